using Voicebot.Providers.OpenAI.Speech;

namespace Voicebot.Providers.OpenAI.Tests.Speech;

public sealed class OpenAITtsOptionsTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        var options = new OpenAITtsOptions();

        var result = new OpenAITtsOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Equal(("https://api.openai.com/v1", "tts-1", "nova", 1.0), (options.Endpoint, options.Model, options.Voice, options.Speed));
        Assert.Equal(TimeSpan.FromSeconds(2), options.FirstByteTimeout);
        Assert.Null(options.ApiKey);
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(4.5)]
    public void Validate_SpeedOutOfRange_Fails(double speed)
    {
        var result = new OpenAITtsOptionsValidator().Validate(null, new OpenAITtsOptions { Speed = speed });

        Assert.True(result.Failed);
        Assert.Contains("Speed", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1")]
    [InlineData("file:///etc/passwd")]
    public void Validate_EndpointNotAbsoluteHttp_Fails(string endpoint)
    {
        var result = new OpenAITtsOptionsValidator().Validate(null, new OpenAITtsOptions { Endpoint = endpoint });

        Assert.True(result.Failed);
        Assert.Contains("Endpoint", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_VoiceWithSpaces_Fails()
    {
        var result = new OpenAITtsOptionsValidator().Validate(null, new OpenAITtsOptions { Voice = "no va" });

        Assert.True(result.Failed);
    }
}
