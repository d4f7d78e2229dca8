namespace Voicebot.Gateway.Tests;

public sealed class AudioSocketOptionsTests
{
    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = new AudioSocketOptionsValidator().Validate(null, new AudioSocketOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_NotAnIpAddress_Fails()
    {
        var result = new AudioSocketOptionsValidator().Validate(null, new AudioSocketOptions { ListenAddress = "asterisk.local" });

        Assert.True(result.Failed);
        Assert.Contains("ListenAddress", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PayloadLimitBelowOneFrame_Fails()
    {
        var result = new AudioSocketOptionsValidator().Validate(null, new AudioSocketOptions { MaxPayloadBytes = 100 });

        Assert.True(result.Failed);
        Assert.Contains("MaxPayloadBytes", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ZeroIdleTimeout_Fails()
    {
        var result = new AudioSocketOptionsValidator().Validate(null, new AudioSocketOptions { IdleTimeout = TimeSpan.Zero });

        Assert.True(result.Failed);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(100)]
    public void Validate_PacerPriorityOutsideTheKernelsRange_Fails(int priority)
    {
        var result = new AudioSocketOptionsValidator().Validate(null, new AudioSocketOptions { PacerRealtimePriority = priority });

        Assert.True(result.Failed);
        Assert.Contains("PacerRealtimePriority", result.FailureMessage, StringComparison.Ordinal);
    }
}
