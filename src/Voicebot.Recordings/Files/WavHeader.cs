using System.Buffers.Binary;
using Voicebot.Audio;

namespace Voicebot.Recordings.Files;

/// <summary>
/// The parts of a PCM WAV header the recordings need: format, where the samples start and the sizes the header claims.
/// </summary>
/// <param name="Channels">1 or 2.</param>
/// <param name="SampleRate">Hz.</param>
/// <param name="BitsPerSample">16 for the recordings.</param>
/// <param name="DataOffset">Byte offset of the first sample.</param>
/// <param name="DataBytes">The <c>data</c> chunk size the header claims.</param>
/// <param name="RiffBytes">The RIFF size the header claims (file length − 8 when the header is right).</param>
public readonly record struct WavHeader(int Channels, int SampleRate, int BitsPerSample, long DataOffset, long DataBytes, long RiffBytes)
{
    /// <summary>Size of the canonical header the recorder writes: RIFF, <c>fmt </c> (16 bytes) and <c>data</c>.</summary>
    public const int CanonicalSize = 44;

    /// <summary>How far into a file <see cref="TryParse"/> looks for the <c>data</c> chunk.</summary>
    public const int MaxHeaderBytes = 4096;

    /// <summary>Bytes of one sample frame (every channel).</summary>
    public int BlockAlign => Channels * BitsPerSample / 8;

    /// <summary>Seconds of audio in <paramref name="dataBytes"/>.</summary>
    public double Seconds(long dataBytes) => (double)dataBytes / BlockAlign / SampleRate;

    /// <summary>Writes a canonical 44-byte PCM header claiming <paramref name="dataBytes"/> of samples.</summary>
    public static void WriteCanonical(Span<byte> destination, int channels, int sampleRate, int bitsPerSample, long dataBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, CanonicalSize);
        var blockAlign = channels * bitsPerSample / 8;
        "RIFF"u8.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], RiffSize(dataBytes));
        "WAVE"u8.CopyTo(destination[8..]);
        "fmt "u8.CopyTo(destination[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[20..], 1);   // WAVE_FORMAT_PCM
        BinaryPrimitives.WriteUInt16LittleEndian(destination[22..], (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[28..], (uint)(sampleRate * blockAlign));
        BinaryPrimitives.WriteUInt16LittleEndian(destination[32..], (ushort)blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[34..], (ushort)bitsPerSample);
        "data"u8.CopyTo(destination[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[40..], DataSize(dataBytes));
    }

    /// <summary>The RIFF size field for a canonical header over <paramref name="dataBytes"/> (saturates at 4 GiB).</summary>
    public static uint RiffSize(long dataBytes) => (uint)Math.Min(uint.MaxValue, dataBytes + CanonicalSize - 8);

    /// <summary>The <c>data</c> size field for <paramref name="dataBytes"/> (saturates at 4 GiB).</summary>
    public static uint DataSize(long dataBytes) => (uint)Math.Min(uint.MaxValue, dataBytes);

    /// <summary>
    /// Parses the RIFF/WAVE header at the start of <paramref name="file"/> with <see cref="RiffWaveHeaderReader"/>, which
    /// walks the chunks to <c>fmt </c> and <c>data</c> whatever the sizes claim. Sizes are returned as claimed, even when
    /// they are wrong (that is what repair looks at).
    /// </summary>
    /// <returns><see langword="false"/> when this is not a PCM WAV file or the <c>data</c> chunk is not in the first bytes.</returns>
    public static bool TryParse(ReadOnlySpan<byte> file, out WavHeader header)
    {
        header = default;
        RiffWaveHeader found;
        try
        {
            if (!RiffWaveHeaderReader.TryRead(file, out found, out _))
            {
                return false;
            }
        }
        catch (InvalidDataException)
        {
            return false;
        }

        if (found.FormatTag != RiffWaveHeader.PcmFormatTag)
        {
            return false;
        }

        header = new WavHeader(found.Channels, found.SampleRate, found.BitsPerSample, found.DataOffset, found.DataBytes, found.RiffBytes);
        return true;
    }
}
