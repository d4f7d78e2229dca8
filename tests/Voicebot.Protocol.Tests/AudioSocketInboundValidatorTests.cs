using System.Buffers;
using Voicebot.Protocol.Tests.Support;
using Voicebot.Testing.Sequences;

namespace Voicebot.Protocol.Tests;

public sealed class AudioSocketInboundValidatorTests
{
    private static readonly Guid CallId = new("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

    public static TheoryData<AudioSocketKind> AudioKinds =>
    [
        AudioSocketKind.Audio,
        AudioSocketKind.AudioSlin12,
        AudioSocketKind.AudioSlin16,
        AudioSocketKind.AudioSlin24,
        AudioSocketKind.AudioSlin32,
        AudioSocketKind.AudioSlin44,
        AudioSocketKind.AudioSlin48,
        AudioSocketKind.AudioSlin96,
        AudioSocketKind.AudioSlin192,
    ];

    [Fact]
    public void Validate_UuidFirst_RecordsCallId()
    {
        var validator = new AudioSocketInboundValidator();

        validator.Validate(UuidFrame(CallId));

        Assert.Equal(CallId, validator.CallId);
    }

    [Fact]
    public void Validate_NothingSeen_CallIdIsNull()
    {
        var validator = new AudioSocketInboundValidator();

        var callId = validator.CallId;

        Assert.Null(callId);
    }

    [Theory]
    [MemberData(nameof(AudioKinds))]
    public void Validate_AudioBeforeUuid_ThrowsMediaBeforeUuid(AudioSocketKind kind)
    {
        var validator = new AudioSocketInboundValidator();

        var ex = Assert.Throws<AudioSocketProtocolException>(() => validator.Validate(Frame(kind, new byte[320])));

        Assert.Equal(AudioSocketViolation.MediaBeforeUuid, ex.Violation);
    }

    [Fact]
    public void Validate_DtmfBeforeUuid_ThrowsMediaBeforeUuid()
    {
        var validator = new AudioSocketInboundValidator();

        var ex = Assert.Throws<AudioSocketProtocolException>(() => validator.Validate(Frame(AudioSocketKind.Dtmf, (byte)'1')));

        Assert.Equal(AudioSocketViolation.MediaBeforeUuid, ex.Violation);
    }

    [Fact]
    public void Validate_SecondUuid_ThrowsSecondUuidAndKeepsFirstCallId()
    {
        var validator = new AudioSocketInboundValidator();
        validator.Validate(UuidFrame(CallId));

        var ex = Assert.Throws<AudioSocketProtocolException>(() => validator.Validate(UuidFrame(Guid.NewGuid())));

        Assert.Equal(AudioSocketViolation.SecondUuid, ex.Violation);
        Assert.Equal(CallId, validator.CallId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(17)]
    public void Validate_UuidNot16Bytes_ThrowsUuidLengthAndRecordsNothing(int length)
    {
        var validator = new AudioSocketInboundValidator();

        var ex = Assert.Throws<AudioSocketProtocolException>(() => validator.Validate(Frame(AudioSocketKind.Uuid, new byte[length])));

        Assert.Equal(AudioSocketViolation.UuidLength, ex.Violation);
        Assert.Null(validator.CallId);
    }

    [Theory]
    [MemberData(nameof(AudioKinds))]
    public void Validate_OddAudioLength_ThrowsOddAudioLength(AudioSocketKind kind)
    {
        var validator = Started();

        var ex = Assert.Throws<AudioSocketProtocolException>(() => validator.Validate(Frame(kind, new byte[321])));

        Assert.Equal(AudioSocketViolation.OddAudioLength, ex.Violation);
    }

    [Theory]
    [MemberData(nameof(AudioKinds))]
    public void Validate_EmptyAudio_ThrowsEmptyAudio(AudioSocketKind kind)
    {
        var validator = Started();

        var ex = Assert.Throws<AudioSocketProtocolException>(() => validator.Validate(Frame(kind)));

        Assert.Equal(AudioSocketViolation.EmptyAudio, ex.Violation);
    }

    [Theory]
    [MemberData(nameof(AudioKinds))]
    public void Validate_EvenAudioAfterUuid_Accepts(AudioSocketKind kind)
    {
        var validator = Started();

        var ex = Record.Exception(() => validator.Validate(Frame(kind, new byte[AudioSocketKinds.FrameBytes(kind.SampleRate())])));

        Assert.Null(ex);
    }

    [Fact]
    public void Validate_TwoByteAudio_AcceptsOneSample()
    {
        var validator = Started();

        var ex = Record.Exception(() => validator.Validate(Frame(AudioSocketKind.Audio, 0x01, 0x00)));

        Assert.Null(ex);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'E' })]
    [InlineData(new byte[] { 0x00 })]
    [InlineData(new byte[] { (byte)'1', (byte)'2' })]
    [InlineData(new byte[0])]
    public void Validate_BadDtmfPayload_ThrowsDtmfViolation(byte[] payload)
    {
        var validator = Started();

        var ex = Assert.Throws<AudioSocketProtocolException>(() => validator.Validate(Frame(AudioSocketKind.Dtmf, payload)));

        Assert.Equal(AudioSocketViolation.DtmfLength, ex.Violation);
    }

    [Fact]
    public void Validate_DtmfAfterUuid_Accepts()
    {
        var validator = Started();

        var ex = Record.Exception(() => validator.Validate(Frame(AudioSocketKind.Dtmf, (byte)'#')));

        Assert.Null(ex);
    }

    [Fact]
    public void Validate_HangupBeforeUuid_Accepts()
    {
        var validator = new AudioSocketInboundValidator();

        var ex = Record.Exception(() => validator.Validate(Frame(AudioSocketKind.Hangup)));

        Assert.Null(ex);
        Assert.Null(validator.CallId);
    }

    [Fact]
    public void Validate_ErrorKind_ThrowsUnexpectedKind()
    {
        var validator = Started();

        var ex = Assert.Throws<AudioSocketProtocolException>(() => validator.Validate(Frame(AudioSocketKind.Error, 0x01)));

        Assert.Equal(AudioSocketViolation.UnexpectedKind, ex.Violation);
    }

    [Theory]
    [InlineData(0x02)]
    [InlineData(0x04)]
    [InlineData(0x0F)]
    [InlineData(0x19)]
    [InlineData(0x7F)]
    public void Validate_UndefinedKind_ThrowsUnknownKind(byte kind)
    {
        var validator = Started();

        var ex = Assert.Throws<AudioSocketProtocolException>(() => validator.Validate(Frame((AudioSocketKind)kind, 0x00, 0x00)));

        Assert.Equal(AudioSocketViolation.UnknownKind, ex.Violation);
    }

    [Fact]
    public void Validate_WholeCallReadFromWire_AcceptsEveryFrame()
    {
        var wire = Wire.Concat(
            Wire.Frame(AudioSocketKind.Uuid, CallId.ToByteArray(bigEndian: true)),
            Wire.Frame(AudioSocketKind.Audio, new byte[320]),
            Wire.Frame(AudioSocketKind.Dtmf, (byte)'*'),
            Wire.Frame(AudioSocketKind.Audio, new byte[320]));
        var buffer = new ReadOnlySequence<byte>(wire);
        var validator = new AudioSocketInboundValidator();
        var count = 0;

        while (AudioSocketFrameReader.TryRead(ref buffer, 4096, out var frame))
        {
            validator.Validate(frame);
            count++;
        }

        Assert.Equal(4, count);
        Assert.Equal(CallId, validator.CallId);
    }

    [Fact]
    public void Validate_ManyAudioAndDtmfFramesAcrossSegments_AllocatesNothing()
    {
        var audio = new AudioSocketFrame(AudioSocketKind.Audio, TestSequences.Split(Wire.Pattern(320), 100));
        var dtmf = new AudioSocketFrame(AudioSocketKind.Dtmf, TestSequences.SegmentPerByte([(byte)'#']));
        var validator = Started();
        validator.Validate(audio);
        validator.Validate(dtmf);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            validator.Validate(i % 50 == 25 ? dtmf : audio);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static AudioSocketInboundValidator Started()
    {
        var validator = new AudioSocketInboundValidator();
        validator.Validate(UuidFrame(CallId));
        return validator;
    }

    private static AudioSocketFrame UuidFrame(Guid callId) => Frame(AudioSocketKind.Uuid, callId.ToByteArray(bigEndian: true));

    private static AudioSocketFrame Frame(AudioSocketKind kind, params byte[] payload) => new(kind, new ReadOnlySequence<byte>(payload));
}
