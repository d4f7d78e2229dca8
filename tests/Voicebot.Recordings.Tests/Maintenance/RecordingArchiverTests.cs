using System.Buffers.Binary;
using Voicebot.Recordings.Files;
using Voicebot.Recordings.Maintenance;
using Voicebot.Testing.Paths;

namespace Voicebot.Recordings.Tests.Maintenance;

/// <summary>Runs the real LAME (Debian package <c>lame</c>, installed by the test prerequisites).</summary>
public sealed class RecordingArchiverTests : IDisposable
{
    private readonly string _root = RepositoryPaths.NewTemporaryDirectory("voicebot-archive");
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Archive_RoundTripThroughLame_DecodesToTheSameDurationThenDeletesTheOriginal()
    {
        var wav = WriteTone("20261124-100000_a.wav", seconds: 3.37);
        var archiver = NewArchiver("lame");

        var result = await archiver.ArchiveAsync(wav, deleteOriginal: true, TimeSpan.Zero, _ct);

        Assert.Equal(ArchiveOutcome.Archived, result.Outcome);
        Assert.True(result.OriginalDeleted);
        Assert.False(File.Exists(wav));
        Assert.Equal(Path.ChangeExtension(wav, ".mp3"), result.ArchivePath);
        Assert.InRange(result.ArchiveBytes, 1, result.WavBytes / 4);

        var decoded = Path.Combine(_root, "decoded.wav");
        await new LameEncoder("lame").DecodeAsync(result.ArchivePath!, decoded, _ct);
        var header = ReadHeader(decoded);
        Assert.Equal((2, 8000), (header.Channels, header.SampleRate));
        Assert.Equal(3.37, header.Seconds(header.DataBytes), 2);
        Assert.Empty(Directory.GetFiles(_root, "*.part"));
    }

    [Fact]
    public async Task Archive_WithoutDelete_KeepsTheOriginalAndLaterFindsTheArchiveVerified()
    {
        var wav = WriteTone("20261124-100000_b.wav", seconds: 1);
        var archiver = NewArchiver("lame");

        var first = await archiver.ArchiveAsync(wav, deleteOriginal: false, TimeSpan.Zero, _ct);
        var second = await archiver.ArchiveAsync(wav, deleteOriginal: true, TimeSpan.Zero, _ct);

        Assert.Equal(ArchiveOutcome.Archived, first.Outcome);
        Assert.False(first.OriginalDeleted);
        Assert.Equal(ArchiveOutcome.AlreadyArchived, second.Outcome);
        Assert.False(File.Exists(wav));
    }

    [Fact]
    public async Task Archive_CorruptArchive_KeepsTheOriginalAndRemovesTheArchive()
    {
        var wav = WriteTone("20261124-100000_c.wav", seconds: 2);
        var before = await File.ReadAllBytesAsync(wav, _ct);

        // An encoder that produces a truncated MP3 (half of the real one): it still decodes, but too short.
        var script = Path.Combine(_root, "truncating-lame.sh");
        await File.WriteAllTextAsync(script, """
            #!/bin/sh
            for last; do :; done
            lame "$@" || exit $?
            case " $* " in *" --decode "*) exit 0;; esac
            size=$(stat -c %s "$last")
            truncate -s $((size / 2)) "$last"
            """, _ct);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var result = await NewArchiver(script).ArchiveAsync(wav, deleteOriginal: true, TimeSpan.Zero, _ct);

        Assert.Equal(ArchiveOutcome.Failed, result.Outcome);
        Assert.Contains("decodes to", result.Problem, StringComparison.Ordinal);
        Assert.False(result.OriginalDeleted);
        Assert.Equal(before, await File.ReadAllBytesAsync(wav, _ct));
        Assert.Equal([wav, script], Directory.GetFiles(_root).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ArchiveAll_InParallel_ArchivesEveryRecording()
    {
        string[] wavs = [.. Enumerable.Range(0, 4).Select(i => WriteTone($"20261124-10000{i}_p.wav", seconds: 0.5 + i))];

        var seen = 0;
        var results = await NewArchiver("lame").ArchiveAllAsync(wavs, deleteOriginals: false, TimeSpan.Zero, _ => Interlocked.Increment(ref seen), _ct);

        Assert.Equal(4, seen);
        Assert.All(results, r => Assert.Equal(ArchiveOutcome.Archived, r.Outcome));
        Assert.Equal(wavs.Select(w => Path.ChangeExtension(w, ".mp3")), results.Select(r => r.ArchivePath));
    }

    [Fact]
    public async Task Archive_MissingEncoder_SaysHowToInstallIt()
    {
        var encoder = new LameEncoder("/nonexistent/lame");

        var ex = await Assert.ThrowsAsync<FileNotFoundException>(() => encoder.EncodeAsync("a.wav", "a.mp3", 32, _ct));

        Assert.Null(encoder.Locate());
        Assert.Contains("apt-get install lame", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(new LameEncoder("lame").Locate());
    }

    private RecordingArchiver NewArchiver(string encoder) =>
        new(new RecordingArchiveOptions { Encoder = encoder, Parallelism = 2 }, new LameEncoder(encoder), TimeProvider.System);

    /// <summary>Caller 440 Hz on the left, bot 660 Hz on the right, 8 kHz stereo.</summary>
    private string WriteTone(string name, double seconds)
    {
        var frames = (int)(seconds * 8000);
        var bytes = new byte[44 + (frames * 4)];
        WavHeader.WriteCanonical(bytes, 2, 8000, 16, frames * 4);
        for (var i = 0; i < frames; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(44 + (i * 4)), (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 8000)));
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(46 + (i * 4)), (short)(8000 * Math.Sin(2 * Math.PI * 660 * i / 8000)));
        }

        var path = Path.Combine(_root, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static WavHeader ReadHeader(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(WavHeader.TryParse(bytes, out var header));
        return header;
    }
}
