using Voicebot.Providers.OpenAI.Understanding;

namespace Voicebot.Providers.OpenAI.Tests.Understanding;

public sealed class LlmOptionsTests
{
    [Fact]
    public void Defaults_AreValidAndDisabled()
    {
        var options = new LlmOptions();

        var result = new LlmOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.False(options.Enabled);
        Assert.Equal(("https://api.groq.com/openai/v1", "openai/gpt-oss-120b", "low", 200), (options.Endpoint, options.Model, options.ReasoningEffort, options.MaxOutputTokens));
        Assert.Equal((TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(3), "assets/prompts"), (options.FirstTokenTimeout, options.Timeout, options.PromptsDirectory));
    }

    [Fact]
    public void Validate_EnabledWithoutKey_Fails()
    {
        var result = new LlmOptionsValidator().Validate(null, new LlmOptions { Enabled = true });

        Assert.True(result.Failed);
        Assert.Contains("ApiKey", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EnabledWithKey_Succeeds()
    {
        var result = new LlmOptionsValidator().Validate(null, new LlmOptions { Enabled = true, ApiKey = "gsk-x" });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("api.groq.com/openai/v1")]
    [InlineData("ftp://api.groq.com/openai/v1")]
    [InlineData("")]
    public void Validate_EndpointNotAbsoluteHttp_Fails(string endpoint)
    {
        var result = new LlmOptionsValidator().Validate(null, new LlmOptions { Endpoint = endpoint });

        Assert.True(result.Failed);
        Assert.Contains("Endpoint", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("minimal")]
    [InlineData("LOW")]
    public void Validate_ReasoningEffortGptOssRejects_Fails(string effort)
    {
        var result = new LlmOptionsValidator().Validate(null, new LlmOptions { ReasoningEffort = effort });

        Assert.True(result.Failed);
    }

    [Fact]
    public void Validate_NoReasoningEffort_Succeeds()
    {
        var result = new LlmOptionsValidator().Validate(null, new LlmOptions { ReasoningEffort = null });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_FirstTokenTimeoutAboveTimeout_Fails()
    {
        var result = new LlmOptionsValidator().Validate(null, new LlmOptions { FirstTokenTimeout = TimeSpan.FromSeconds(4), Timeout = TimeSpan.FromSeconds(3) });

        Assert.True(result.Failed);
        Assert.Contains("FirstTokenTimeout", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-0.1f, 200)]
    [InlineData(2.1f, 200)]
    [InlineData(0.5f, 0)]
    public void Validate_OutOfRange_Fails(float temperature, int maxOutputTokens)
    {
        var result = new LlmOptionsValidator().Validate(null, new LlmOptions { Temperature = temperature, MaxOutputTokens = maxOutputTokens });

        Assert.True(result.Failed);
    }
}
