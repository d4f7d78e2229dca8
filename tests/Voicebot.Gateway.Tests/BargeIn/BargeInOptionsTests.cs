using Voicebot.Gateway.BargeIn;

namespace Voicebot.Gateway.Tests.BargeIn;

public sealed class BargeInOptionsTests
{
    [Fact]
    public void Validate_Defaults_SucceedAndMatchTheDocumentedValues()
    {
        var options = new BargeInOptions();

        var result = new BargeInOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.True(options.Enabled);
        Assert.Equal(-35, options.SpeechThresholdDbfs);
        Assert.Equal(TimeSpan.FromMilliseconds(160), options.MinSpeech);
        Assert.Equal(12, options.EchoReturnLossDb);
        Assert.Equal(TimeSpan.FromMilliseconds(300), options.EchoWindow);
    }

    [Theory]
    [InlineData(nameof(BargeInOptions.SpeechThresholdDbfs))]
    [InlineData(nameof(BargeInOptions.MinSpeech))]
    [InlineData(nameof(BargeInOptions.EchoReturnLossDb))]
    [InlineData(nameof(BargeInOptions.EchoWindow))]
    public void Validate_OutOfRange_FailsNamingTheKey(string key)
    {
        var options = new BargeInOptions();
        switch (key)
        {
            case nameof(BargeInOptions.SpeechThresholdDbfs): options.SpeechThresholdDbfs = 3; break;
            case nameof(BargeInOptions.MinSpeech): options.MinSpeech = TimeSpan.Zero; break;
            case nameof(BargeInOptions.EchoReturnLossDb): options.EchoReturnLossDb = -1; break;
            case nameof(BargeInOptions.EchoWindow): options.EchoWindow = TimeSpan.FromSeconds(2); break;
        }

        var result = new BargeInOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
    }
}
