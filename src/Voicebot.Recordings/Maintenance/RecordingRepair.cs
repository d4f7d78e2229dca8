using System.Buffers.Binary;
using Voicebot.Recordings.Files;

namespace Voicebot.Recordings.Maintenance;

/// <summary>
/// Fixes a recording left by a crash: the samples run from the <c>data</c> chunk to the end of the file (the recorder
/// always writes them last), so the RIFF and data sizes are rewritten from the file length, and a trailing partial
/// sample frame (a write cut short) is dropped. Idempotent: a valid file is left as it is.
/// </summary>
/// <remarks>
/// The header is read with <see cref="WavHeader.TryParse"/> (<see cref="Audio.RiffWaveHeaderReader"/>), not NAudio's
/// <c>WaveFileReader</c>: that one stops its chunk walk at the RIFF size the header claims (a header never patched hides
/// the data chunk and it throws), reports only the data length the header claims, and does not give the claimed RIFF
/// size; the repair needs the data chunk's offset and both claimed sizes, to compare them with the file length.
/// </remarks>
public static class RecordingRepair
{
    /// <summary>Checks and, when needed, repairs <paramref name="path"/>.</summary>
    public static async Task<RepairResult> RepairAsync(string path, CancellationToken cancellationToken = default)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        var length = RandomAccess.GetLength(file);
        var head = new byte[(int)Math.Min(length, WavHeader.MaxHeaderBytes)];
        var read = await RandomAccess.ReadAsync(file, head, 0, cancellationToken);
        if (!WavHeader.TryParse(head.AsSpan(0, read), out var header) || header.BlockAlign <= 0 || header.DataOffset > length)
        {
            return new RepairResult(path, RepairOutcome.NotWav, 0, 0, 0, 0);
        }

        var onDisk = length - header.DataOffset;
        var whole = onDisk - (onDisk % header.BlockAlign);
        var riff = header.DataOffset + whole - 8;
        if (whole == header.DataBytes && riff == header.RiffBytes && onDisk == whole)
        {
            return new RepairResult(path, RepairOutcome.Valid, header.DataBytes, whole, 0, header.Seconds(whole));
        }

        if (onDisk != whole)
        {
            RandomAccess.SetLength(file, header.DataOffset + whole);
        }

        var size = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(size, WavHeader.DataSize(whole));
        await RandomAccess.WriteAsync(file, size, header.DataOffset - 4, cancellationToken);
        BinaryPrimitives.WriteUInt32LittleEndian(size, (uint)Math.Min(uint.MaxValue, riff));
        await RandomAccess.WriteAsync(file, size, 4, cancellationToken);
        return new RepairResult(path, RepairOutcome.Repaired, header.DataBytes, whole, onDisk - whole, header.Seconds(whole));
    }

    /// <summary>Repairs every WAV under <paramref name="root"/> not written within <paramref name="minimumAge"/> of <paramref name="now"/>.</summary>
    public static async Task<IReadOnlyList<RepairResult>> RepairAllAsync(
        string root, DateTimeOffset now, TimeSpan minimumAge, CancellationToken cancellationToken = default)
    {
        var results = new List<RepairResult>();
        foreach (var path in RecordingFiles.Recordings(root))
        {
            results.Add(RecordingFiles.IsInUse(path, now, minimumAge)
                ? new RepairResult(path, RepairOutcome.InUse, 0, 0, 0, 0)
                : await RepairAsync(path, cancellationToken));
        }

        return results;
    }
}
