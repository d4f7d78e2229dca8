using System.Buffers;
using Voicebot.Testing.Sequences;

namespace Voicebot.Protocol.Tests;

public sealed class AudioSocketPayloadTests
{
    public static TheoryData<char> DtmfDigits => [.. "0123456789*#ABCD"];

    public static TheoryData<byte> NonDigits => [0x00, (byte)' ', (byte)'E', (byte)'a', (byte)'d', (byte)'+', (byte)'/', (byte)':', 0x7F, 0xFF];

    [Fact]
    public void ReadCallId_RfcOrderBytes_ReturnsGuidWithSameTextualForm()
    {
        // uuid_parse("00010203-0405-0607-0809-0a0b0c0d0e0f") gives bytes 00..0F in this order.
        byte[] bytes = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F];
        var payload = TestSequences.SegmentPerByte(bytes);

        var callId = AudioSocketPayload.ReadCallId(payload);

        Assert.Equal(new Guid("00010203-0405-0607-0809-0a0b0c0d0e0f"), callId);
        Assert.NotEqual(new Guid(bytes), callId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(36)]
    public void ReadCallId_PayloadNot16Bytes_ThrowsUuidLength(int length)
    {
        var payload = new ReadOnlySequence<byte>(new byte[length]);

        var ex = Assert.Throws<AudioSocketProtocolException>(() => AudioSocketPayload.ReadCallId(payload));

        Assert.Equal(AudioSocketViolation.UuidLength, ex.Violation);
    }

    [Theory]
    [MemberData(nameof(DtmfDigits))]
    public void ReadDtmf_EveryDigit_ReturnsDigit(char digit)
    {
        var payload = TestSequences.SegmentPerByte([(byte)digit]);

        var read = AudioSocketPayload.ReadDtmf(payload);

        Assert.Equal(digit, read);
    }

    [Theory]
    [MemberData(nameof(NonDigits))]
    public void ReadDtmf_NotADigit_ThrowsDtmfViolation(byte value)
    {
        var payload = new ReadOnlySequence<byte>([value]);

        var ex = Assert.Throws<AudioSocketProtocolException>(() => AudioSocketPayload.ReadDtmf(payload));

        Assert.Equal(AudioSocketViolation.DtmfLength, ex.Violation);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void ReadDtmf_PayloadNotOneByte_ThrowsDtmfLength(int length)
    {
        var payload = new ReadOnlySequence<byte>(new byte[length]);

        var ex = Assert.Throws<AudioSocketProtocolException>(() => AudioSocketPayload.ReadDtmf(payload));

        Assert.Equal(AudioSocketViolation.DtmfLength, ex.Violation);
    }

    [Fact]
    public void IsDtmfDigit_EveryChar_TrueExactlyForSixteenDigits()
    {
        var digits = new List<char>();

        for (var c = char.MinValue; c < char.MaxValue; c++)
        {
            if (AudioSocketPayload.IsDtmfDigit(c))
            {
                digits.Add(c);
            }
        }

        Assert.Equal("0123456789*#ABCD".Order(), digits.Order());
    }

    [Fact]
    public void UuidLength_Always_Is16()
    {
        var length = AudioSocketPayload.UuidLength;

        Assert.Equal(16, length);
    }
}
