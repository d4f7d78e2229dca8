namespace Voicebot.Protocol.Tests;

public sealed class AudioSocketProtocolExceptionTests
{
    [Fact]
    public void Constructor_NoArguments_ViolationUnknownWithMessage()
    {
        var ex = new AudioSocketProtocolException();

        Assert.Equal(AudioSocketViolation.Unknown, ex.Violation);
        Assert.False(string.IsNullOrEmpty(ex.Message));
    }

    [Fact]
    public void Constructor_MessageOnly_ViolationUnknown()
    {
        var ex = new AudioSocketProtocolException("bad frame");

        Assert.Equal(AudioSocketViolation.Unknown, ex.Violation);
        Assert.Equal("bad frame", ex.Message);
    }

    [Fact]
    public void Constructor_InnerException_KeepsInnerAndViolationUnknown()
    {
        var inner = new InvalidOperationException("inner");

        var ex = new AudioSocketProtocolException("outer", inner);

        Assert.Same(inner, ex.InnerException);
        Assert.Equal(AudioSocketViolation.Unknown, ex.Violation);
    }

    [Fact]
    public void Constructor_Violation_KeepsViolationAndMessage()
    {
        var ex = new AudioSocketProtocolException(AudioSocketViolation.SecondUuid, "twice");

        Assert.Equal(AudioSocketViolation.SecondUuid, ex.Violation);
        Assert.Equal("twice", ex.Message);
    }

    [Fact]
    public void Violation_EnumValues_NeverRenumbered()
    {
        // Logged and used as metric tags: renumbering would silently break dashboards.
        Assert.Equal(0, (int)AudioSocketViolation.Unknown);
        Assert.Equal(1, (int)AudioSocketViolation.UnknownKind);
        Assert.Equal(2, (int)AudioSocketViolation.PayloadTooLarge);
        Assert.Equal(3, (int)AudioSocketViolation.MediaBeforeUuid);
        Assert.Equal(4, (int)AudioSocketViolation.SecondUuid);
        Assert.Equal(5, (int)AudioSocketViolation.UuidLength);
        Assert.Equal(6, (int)AudioSocketViolation.OddAudioLength);
        Assert.Equal(7, (int)AudioSocketViolation.EmptyAudio);
        Assert.Equal(8, (int)AudioSocketViolation.DtmfLength);
        Assert.Equal(9, (int)AudioSocketViolation.UnexpectedKind);
        Assert.Equal(10, (int)AudioSocketViolation.IdleTimeout);
    }
}
