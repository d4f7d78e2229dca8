using Voicebot.Recordings.Files;

namespace Voicebot.Recordings.Maintenance;

/// <summary>
/// Converts recordings to MP3 through LAME, in parallel. Each archive is decoded again and checked (channels, rate and
/// duration within <see cref="DurationTolerance"/>) before it takes its final name; only then, and only when asked, is
/// the WAV deleted. A failed or unverifiable archive is removed and the original kept. A file left by a crash is
/// repaired first.
/// </summary>
public sealed class RecordingArchiver(RecordingArchiveOptions options, LameEncoder encoder, TimeProvider time)
{
    /// <summary>Largest difference between the recording's and the decoded archive's durations.</summary>
    public static readonly TimeSpan DurationTolerance = TimeSpan.FromMilliseconds(50);

    /// <summary>Archives <paramref name="recordings"/>, <see cref="RecordingArchiveOptions.Parallelism"/> at a time; <paramref name="onFile"/> hears of each as it is done.</summary>
    public async Task<IReadOnlyList<ArchiveResult>> ArchiveAllAsync(
        IReadOnlyList<string> recordings, bool deleteOriginals, TimeSpan minimumAge, Action<ArchiveResult>? onFile = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recordings);
        var results = new ArchiveResult[recordings.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, recordings.Count), parallel, async (index, token) =>
        {
            var result = await ArchiveAsync(recordings[index], deleteOriginals, minimumAge, token);
            results[index] = result;
            onFile?.Invoke(result);
        });
        return results;
    }

    /// <summary>Archives one recording.</summary>
    public async Task<ArchiveResult> ArchiveAsync(string wav, bool deleteOriginal, TimeSpan minimumAge, CancellationToken cancellationToken = default)
    {
        var wavBytes = new FileInfo(wav).Length;
        if (RecordingFiles.IsInUse(wav, time.GetUtcNow(), minimumAge))
        {
            return new ArchiveResult(wav, null, ArchiveOutcome.InUse, 0, wavBytes, 0, false);
        }

        try
        {
            var repaired = await RecordingRepair.RepairAsync(wav, cancellationToken);
            if (repaired.Outcome == RepairOutcome.NotWav || repaired.DataBytes == 0)
            {
                return new ArchiveResult(wav, null, ArchiveOutcome.Failed, 0, wavBytes, 0, false, repaired.DataBytes == 0 ? "empty recording" : "not a PCM WAV file");
            }

            var original = ReadHeader(wav);
            var mp3 = Path.ChangeExtension(wav, ".mp3");
            var outcome = ArchiveOutcome.AlreadyArchived;
            if (!File.Exists(mp3) || await VerifyAsync(mp3, original, cancellationToken) is not null)
            {
                var part = mp3 + ".part";
                await encoder.EncodeAsync(wav, part, options.BitrateKbps, cancellationToken);
                if (await VerifyAsync(part, original, cancellationToken) is { } problem)
                {
                    File.Delete(part);
                    return new ArchiveResult(wav, null, ArchiveOutcome.Failed, repaired.Seconds, wavBytes, 0, false, problem);
                }

                File.Move(part, mp3, overwrite: true);
                outcome = ArchiveOutcome.Archived;
            }

            if (deleteOriginal)
            {
                File.Delete(wav);
            }

            return new ArchiveResult(wav, mp3, outcome, repaired.Seconds, wavBytes, new FileInfo(mp3).Length, deleteOriginal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ArchiveResult(wav, null, ArchiveOutcome.Failed, 0, wavBytes, 0, false, ex.Message);
        }
    }

    /// <summary>Decodes <paramref name="mp3"/> and compares it with the recording; returns the problem, or <see langword="null"/>.</summary>
    private async Task<string?> VerifyAsync(string mp3, WavHeader original, CancellationToken cancellationToken)
    {
        var decoded = mp3 + ".verify.wav";
        try
        {
            await encoder.DecodeAsync(mp3, decoded, cancellationToken);
            var header = ReadHeader(decoded);
            var actual = header.Seconds(new FileInfo(decoded).Length - header.DataOffset);
            var expected = original.Seconds(original.DataBytes);
            if (header.Channels != original.Channels || header.SampleRate != original.SampleRate)
            {
                return $"archive decodes to {header.Channels} channel(s) at {header.SampleRate} Hz, expected {original.Channels} at {original.SampleRate} Hz";
            }

            return Math.Abs(actual - expected) > DurationTolerance.TotalSeconds
                ? $"archive decodes to {actual:0.000} s, the recording holds {expected:0.000} s"
                : null;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            return "archive does not decode: " + ex.Message;
        }
        finally
        {
            File.Delete(decoded);
        }
    }

    private static WavHeader ReadHeader(string path)
    {
        using var file = File.OpenHandle(path);
        var head = new byte[(int)Math.Min(RandomAccess.GetLength(file), WavHeader.MaxHeaderBytes)];
        var read = RandomAccess.Read(file, head, 0);
        return WavHeader.TryParse(head.AsSpan(0, read), out var header)
            ? header
            : throw new InvalidDataException($"{path} is not a PCM WAV file.");
    }
}
