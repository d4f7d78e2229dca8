using System.Buffers.Binary;

namespace Voicebot.Audio.Tests;

public sealed class RiffWaveHeaderReaderTests
{
    [Fact]
    public void TryRead_CanonicalHeaderGrowingByteByByte_AsksForExactlyTheNextPiece()
    {
        var image = WavImages.Header(channels: 1, bits: 16, rate: 8000, dataSize: 40, riffSize: 76);
        var asked = new List<long>();

        for (var length = 0; length < image.Length; length++)
        {
            Assert.False(RiffWaveHeaderReader.TryRead(image.AsSpan(0, length), out _, out var needed));
            Assert.InRange(needed, length + 1, image.Length);
            if (!asked.Contains(needed))
            {
                asked.Add(needed);
            }
        }

        var complete = RiffWaveHeaderReader.TryRead(image, out var header, out var dataOffset);

        Assert.Equal([12, 20, 36, 44], asked);   // RIFF, fmt's id and size, its body, data's id and size
        Assert.True(complete);
        Assert.Equal(44, dataOffset);
        Assert.Equal(new RiffWaveHeader(1, 1, 8000, 16, 44, 40, 76), header);
        Assert.Equal(2, header.BlockAlign);
    }

    [Fact]
    public void TryRead_OddSizedChunkBeforeTheData_SkipsItAndItsPadByte()
    {
        var canonical = WavImages.Header(channels: 2, bits: 16, rate: 16000, dataSize: 8, riffSize: 58);
        byte[] note = [.. "note"u8, 5, 0, 0, 0, .. "hello"u8, 0];
        byte[] image = [.. canonical.AsSpan(0, 36), .. note, .. canonical.AsSpan(36), .. new byte[8]];

        var complete = RiffWaveHeaderReader.TryRead(image, out var header, out _);

        Assert.True(complete);
        Assert.Equal(44 + note.Length, header.DataOffset);
        Assert.Equal((2, 16000, 4), (header.Channels, header.SampleRate, header.BlockAlign));
    }

    [Theory]
    [InlineData(0u, 0u)]
    [InlineData(36u, 0u)]
    [InlineData(uint.MaxValue, 0x7FFFF000u)]
    public void TryRead_SizesLeftByAKilledWriterOrAPipe_AreReturnedAsWrittenAndNotFollowed(uint riffSize, uint dataSize)
    {
        var image = WavImages.Header(channels: 2, bits: 16, rate: 8000, dataSize: dataSize, riffSize: riffSize);

        var complete = RiffWaveHeaderReader.TryRead([.. image, .. new byte[400]], out var header, out _);

        Assert.True(complete);
        Assert.Equal((44, dataSize, riffSize), (header.DataOffset, header.DataBytes, header.RiffBytes));
    }

    [Fact]
    public void TryRead_ExtensibleFormat_ReturnsItsTag()
    {
        var image = WavImages.Header(channels: 1, bits: 24, rate: 48000, dataSize: 0, riffSize: 36, tag: 0xFFFE);

        RiffWaveHeaderReader.TryRead(image, out var header, out _);

        Assert.Equal((RiffWaveHeader.ExtensibleFormatTag, 24), (header.FormatTag, header.BitsPerSample));
    }

    [Fact]
    public void TryRead_NotRiff_ThrowsInvalidData()
    {
        var image = new byte[44];

        Assert.Throws<InvalidDataException>(() => RiffWaveHeaderReader.TryRead(image, out _, out _));
    }

    [Fact]
    public void TryRead_DataBeforeFmt_ThrowsInvalidData()
    {
        byte[] image = [.. "RIFF"u8, 12, 0, 0, 0, .. "WAVE"u8, .. "data"u8, 0, 0, 0, 0];

        var thrown = Assert.Throws<InvalidDataException>(() => RiffWaveHeaderReader.TryRead(image, out _, out _));

        Assert.Contains("before its fmt chunk", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_ShortFmtChunk_ThrowsInvalidData()
    {
        var image = WavImages.Header(channels: 1, bits: 16, rate: 8000, dataSize: 0, riffSize: 36);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(16), 14);

        var thrown = Assert.Throws<InvalidDataException>(() => RiffWaveHeaderReader.TryRead(image, out _, out _));

        Assert.Contains("too short", thrown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 8000, 16)]
    [InlineData(1, 0, 16)]
    [InlineData(1, 8000, 0)]
    [InlineData(1, 8000, 12)]
    public void TryRead_FormatWithoutChannelsRateOrWholeByteSamples_ThrowsInvalidData(int channels, int rate, int bits)
    {
        var image = WavImages.Header(channels: channels, bits: bits, rate: rate, dataSize: 0, riffSize: 36);

        var thrown = Assert.Throws<InvalidDataException>(() => RiffWaveHeaderReader.TryRead(image, out _, out _));

        Assert.StartsWith("Unsupported WAV format", thrown.Message, StringComparison.Ordinal);
    }
}
