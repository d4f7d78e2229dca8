using System.Buffers.Binary;

namespace Voicebot.Audio;

/// <summary>
/// The RIFF/WAVE chunk walk, from the start of a file or stream to the first sample: every reader of WAV headers in the
/// voicebot that cannot use NAudio goes through it. Only the sizes of the chunks before <c>data</c> steer the walk; the
/// RIFF and data sizes are returned as written and never trusted, so it reads the header of a file whose writer was
/// killed (stale or zero sizes) and of a WAV written to a pipe (placeholder sizes). NAudio's <c>WaveFileReader</c> reads
/// neither: it needs a seekable stream (<c>Length</c>, <c>Position</c>), and it stops its walk at the RIFF size the header
/// claims, so a size never written hides the data chunk from it.
/// </summary>
public static class RiffWaveHeaderReader
{
    private const int RiffHeaderBytes = 12;
    private const int ChunkHeaderBytes = 8;
    private const int MinFormatBytes = 16;

    /// <summary>
    /// Reads the header at the start of <paramref name="bytes"/> up to the <c>data</c> chunk's id and size. Returns
    /// <see langword="false"/> while that is not within <paramref name="bytes"/>, with <paramref name="bytesNeeded"/> the
    /// length to read before trying again (it never reaches past the first sample, so a stream can be read exactly).
    /// </summary>
    /// <param name="bytes">The first bytes of the file or stream.</param>
    /// <param name="header">The header, when the result is <see langword="true"/>.</param>
    /// <param name="bytesNeeded">On <see langword="true"/>, <see cref="RiffWaveHeader.DataOffset"/>; otherwise the length needed to go on.</param>
    /// <exception cref="InvalidDataException">
    /// Not RIFF/WAVE, a <c>data</c> chunk before the <c>fmt </c> chunk, a <c>fmt </c> chunk shorter than 16 bytes, or a format
    /// without channels, rate or whole-byte samples.
    /// </exception>
    public static bool TryRead(ReadOnlySpan<byte> bytes, out RiffWaveHeader header, out long bytesNeeded)
    {
        header = default;
        if (bytes.Length < RiffHeaderBytes)
        {
            bytesNeeded = RiffHeaderBytes;
            return false;
        }

        if (!bytes.StartsWith("RIFF"u8) || !bytes[8..].StartsWith("WAVE"u8))
        {
            throw new InvalidDataException("Not a RIFF/WAVE stream.");
        }

        var riffBytes = BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
        RiffWaveHeader? format = null;
        long offset = RiffHeaderBytes;
        while (true)
        {
            var body = offset + ChunkHeaderBytes;
            if (bytes.Length < body)
            {
                bytesNeeded = body;
                return false;
            }

            var id = bytes.Slice((int)offset, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(bytes[((int)offset + 4)..]);
            if (id.SequenceEqual("data"u8))
            {
                if (format is not { } found)
                {
                    throw new InvalidDataException("The WAV data chunk comes before its fmt chunk.");
                }

                header = found with { DataOffset = (int)body, DataBytes = size, RiffBytes = riffBytes };
                bytesNeeded = body;
                return true;
            }

            if (id.SequenceEqual("fmt "u8))
            {
                if (bytes.Length < body + size)
                {
                    bytesNeeded = body + size;
                    return false;
                }

                format = ReadFormat(bytes.Slice((int)body, (int)size));
            }

            // RIFF chunks are padded to an even size.
            offset = body + size + (size & 1);
        }
    }

    private static RiffWaveHeader ReadFormat(ReadOnlySpan<byte> fmt)
    {
        if (fmt.Length < MinFormatBytes)
        {
            throw new InvalidDataException($"WAV fmt chunk of {fmt.Length} bytes is too short.");
        }

        // WAVEFORMATEX: tag, channels, rate, byte rate, block align, bits.
        var tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        var channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        var rate = BinaryPrimitives.ReadInt32LittleEndian(fmt[4..]);
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        if (channels == 0 || rate <= 0 || bits == 0 || bits % 8 != 0)
        {
            throw new InvalidDataException(UnsupportedFormat(tag, channels, rate, bits));
        }

        return new RiffWaveHeader(tag, channels, rate, bits, 0, 0, 0);
    }

    /// <summary>The message for a format a reader does not take.</summary>
    internal static string UnsupportedFormat(int tag, int channels, int rate, int bits) =>
        $"Unsupported WAV format: tag 0x{tag:X4}, {channels} channel(s), {rate} Hz, {bits} bits; integer PCM expected.";
}
