using System.Buffers;
using Voicebot.Protocol.Tests.Support;
using Voicebot.Testing.Sequences;

namespace Voicebot.Protocol.Tests;

public sealed class AudioSocketFrameWriterTests
{
    public static TheoryData<AudioSocketKind> AllKinds => [.. Enum.GetValues<AudioSocketKind>()];

    public static TheoryData<char> DtmfDigits => [.. "0123456789*#ABCD"];

    [Fact]
    public void Write_Span_WritesKindThenBigEndianLengthThenPayload()
    {
        var payload = Wire.Pattern(258);
        var destination = new byte[AudioSocketFrameWriter.FrameSize(payload.Length)];

        var written = AudioSocketFrameWriter.Write(destination, AudioSocketKind.Audio, payload);

        Assert.Equal(261, written);
        Assert.Equal([0x10, 0x01, 0x02], destination[..3]);
        Assert.Equal(payload, destination[3..]);
    }

    [Fact]
    public void Write_AudioSamples_CopiesLittleEndianSamplesUntouched()
    {
        var samples = Wire.Samples(0x1234, -2);
        var destination = new byte[7];

        AudioSocketFrameWriter.Write(destination, AudioSocketKind.Audio, samples);

        Assert.Equal([0x10, 0x00, 0x04, 0x34, 0x12, 0xFE, 0xFF], destination);
    }

    [Theory]
    [MemberData(nameof(AllKinds))]
    public void Write_BufferWriter_RequestsAndAdvancesOneContiguousSpan(AudioSocketKind kind)
    {
        var writer = new RecordingBufferWriter();
        var payload = Wire.Pattern(320);

        AudioSocketFrameWriter.Write(writer, kind, payload);

        Assert.Equal([323], writer.SizeHints);
        Assert.Equal([323], writer.Advances);
        Assert.Equal(Wire.Frame(kind, payload), writer.WrittenMemory.ToArray());
    }

    [Theory]
    [MemberData(nameof(AllKinds))]
    public void Write_ThenTryRead_ReturnsSameKindAndPayload(AudioSocketKind kind)
    {
        var writer = new ArrayBufferWriter<byte>();
        var payload = Wire.Pattern(64, seed: (int)kind);
        AudioSocketFrameWriter.Write(writer, kind, payload);
        var buffer = TestSequences.SegmentPerByte(writer.WrittenSpan.ToArray());

        var parsed = AudioSocketFrameReader.TryRead(ref buffer, 4096, out var frame);

        Assert.True(parsed);
        Assert.Equal(kind, frame.Kind);
        Assert.Equal(payload, frame.Payload.ToArray());
    }

    [Fact]
    public void Write_LargestPayload_WritesLengthFFFF()
    {
        var destination = new byte[AudioSocketFrameWriter.FrameSize(ushort.MaxValue)];

        AudioSocketFrameWriter.Write(destination, AudioSocketKind.Audio, new byte[ushort.MaxValue]);

        Assert.Equal([0x10, 0xFF, 0xFF], destination[..3]);
    }

    [Fact]
    public void WriteHeader_PayloadLongerThanUInt16_Throws()
    {
        var destination = new byte[3];

        Assert.Throws<ArgumentOutOfRangeException>(() => AudioSocketFrameWriter.WriteHeader(destination, AudioSocketKind.Audio, ushort.MaxValue + 1));
    }

    [Fact]
    public void WriteHeader_NegativeLength_Throws()
    {
        var destination = new byte[3];

        Assert.Throws<ArgumentOutOfRangeException>(() => AudioSocketFrameWriter.WriteHeader(destination, AudioSocketKind.Audio, -1));
    }

    [Fact]
    public void WriteHeader_Length320_WritesBigEndian()
    {
        var destination = new byte[3];

        AudioSocketFrameWriter.WriteHeader(destination, AudioSocketKind.AudioSlin16, 320);

        Assert.Equal([0x12, 0x01, 0x40], destination);
    }

    [Fact]
    public void Hangup_Always_IsKindZeroWithLengthZero()
    {
        var hangup = AudioSocketFrameWriter.Hangup.ToArray();

        Assert.Equal([0x00, 0x00, 0x00], hangup);
    }

    [Fact]
    public void FrameSize_PayloadLength_AddsThreeHeaderBytes()
    {
        var size = AudioSocketFrameWriter.FrameSize(320);

        Assert.Equal(323, size);
        Assert.Equal(3, AudioSocketFrameReader.HeaderSize);
    }

    [Fact]
    public void WriteUuid_CallId_WritesRfc4122ByteOrder()
    {
        var writer = new ArrayBufferWriter<byte>();
        var callId = new Guid("01234567-89ab-cdef-0123-456789abcdef");

        AudioSocketFrameWriter.WriteUuid(writer, callId);

        Assert.Equal(
            [0x01, 0x00, 0x10, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF],
            writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void WriteUuid_ThenReadCallId_ReturnsSameGuid()
    {
        var writer = new ArrayBufferWriter<byte>();
        var callId = Guid.NewGuid();
        AudioSocketFrameWriter.WriteUuid(writer, callId);
        var buffer = TestSequences.Split(writer.WrittenSpan.ToArray(), segmentSize: 5);

        AudioSocketFrameReader.TryRead(ref buffer, 4096, out var frame);

        Assert.Equal(callId, AudioSocketPayload.ReadCallId(frame.Payload));
    }

    [Theory]
    [MemberData(nameof(DtmfDigits))]
    public void WriteDtmf_EveryDigit_WritesOneAsciiByte(char digit)
    {
        var writer = new ArrayBufferWriter<byte>();

        AudioSocketFrameWriter.WriteDtmf(writer, digit);

        Assert.Equal([0x03, 0x00, 0x01, (byte)digit], writer.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData('E')]
    [InlineData('a')]
    [InlineData(' ')]
    [InlineData('\0')]
    public void WriteDtmf_NotADigit_Throws(char digit)
    {
        var writer = new ArrayBufferWriter<byte>();

        Assert.Throws<ArgumentOutOfRangeException>(() => AudioSocketFrameWriter.WriteDtmf(writer, digit));
        Assert.Equal(0, writer.WrittenCount);
    }
}
