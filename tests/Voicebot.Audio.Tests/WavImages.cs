using System.Buffers.Binary;

namespace Voicebot.Audio.Tests;

/// <summary>Hand-made WAV headers, sizes and format fields included, right or wrong.</summary>
internal static class WavImages
{
    /// <summary>A 44-byte header: RIFF, a 16-byte <c>fmt </c> chunk and the <c>data</c> chunk's id and size.</summary>
    public static byte[] Header(int channels, int bits, int rate, uint dataSize, uint riffSize, int tag = 1)
    {
        var header = new byte[44];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), riffSize);
        "WAVEfmt "u8.CopyTo(header.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(20), (ushort)tag);
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(22), (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(28), rate * channels * bits / 8);
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(32), (short)(channels * bits / 8));
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(34), (short)bits);
        "data"u8.CopyTo(header.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(40), dataSize);
        return header;
    }
}
