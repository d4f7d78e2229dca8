using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Speech;

namespace Voicebot.Providers.Deepgram.Tests;

public sealed class DeepgramServiceCollectionExtensionsTests
{
    [Fact]
    public void AddDeepgramSpeech_NoKeys_UsesTheDocumentedDefaults()
    {
        using var provider = Build([]);

        var options = provider.GetRequiredService<IOptions<DeepgramOptions>>().Value;

        Assert.Null(options.ApiKey);
        Assert.Equal(new Uri("wss://api.deepgram.com"), options.BaseUrl);
        Assert.Equal(new Uri("https://api.deepgram.com"), options.SpeakBaseUrl);
        Assert.Equal("nova-3", options.Model);
        Assert.Equal("fr", options.Language);
        Assert.Equal(300, options.Endpointing);
        Assert.Equal(1000, options.UtteranceEndMs);
        Assert.True(options.InterimResults && options.VadEvents && options.SmartFormat);
        Assert.Equal(TimeSpan.FromSeconds(4), options.KeepAliveInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), options.ConnectTimeout);
        Assert.Equal(2, options.ConnectRetries);
        Assert.Equal(2, options.ReconnectAttempts);
        Assert.Equal("aura-2-agathe-fr", options.SpeakModel);
        Assert.Equal(TimeSpan.FromSeconds(2), options.SpeakFirstByteTimeout);
    }

    [Fact]
    public void AddDeepgramSpeech_Section_BindsAndRegistersProvidersAsThemselvesOnly()
    {
        using var provider = Build(new() { ["Deepgram:Model"] = "nova-2", ["Deepgram:ApiKey"] = "k", ["Deepgram:KeepAliveInterval"] = "00:00:03" });

        var options = provider.GetRequiredService<IOptions<DeepgramOptions>>().Value;

        Assert.Equal("nova-2", options.Model);
        Assert.Equal(TimeSpan.FromSeconds(3), options.KeepAliveInterval);
        Assert.Same(provider.GetRequiredService<DeepgramSpeechRecognizer>(), provider.GetRequiredService<DeepgramSpeechRecognizer>());
        Assert.NotNull(provider.GetRequiredService<DeepgramSpeechSynthesizer>());
        Assert.Null(provider.GetService<ISpeechRecognizer>());
        Assert.Null(provider.GetService<ISpeechSynthesizer>());
    }

    [Theory]
    [InlineData("Model", "")]
    [InlineData("Model", "Nova 3")]
    [InlineData("Language", "français")]
    [InlineData("Endpointing", "-1")]
    [InlineData("UtteranceEndMs", "60001")]
    [InlineData("KeepAliveInterval", "00:00:10")]
    [InlineData("ConnectTimeout", "00:00:00")]
    [InlineData("ConnectRetries", "11")]
    [InlineData("ReconnectAttempts", "-1")]
    [InlineData("SpeakModel", "")]
    [InlineData("SpeakFirstByteTimeout", "00:00:00")]
    [InlineData("BaseUrl", "https://api.deepgram.com")]
    [InlineData("SpeakBaseUrl", "wss://api.deepgram.com")]
    public void AddDeepgramSpeech_InvalidValue_FailsValidation(string key, string value)
    {
        using var provider = Build(new() { [$"Deepgram:{key}"] = value });

        var thrown = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DeepgramOptions>>().Value);

        Assert.Contains(key, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddDeepgramSpeech_UtteranceEndWithoutInterimResults_FailsValidation()
    {
        using var provider = Build(new() { ["Deepgram:InterimResults"] = "false" });

        var thrown = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DeepgramOptions>>().Value);

        Assert.Contains("InterimResults", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_WithKey_SaysSetButNeverShowsIt()
    {
        var options = new DeepgramOptions { ApiKey = "secret-key-123" };

        var text = options.ToString();

        Assert.DoesNotContain("secret-key-123", text, StringComparison.Ordinal);
        Assert.Contains("ApiKey=set", text, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddDeepgramSpeech(configuration).BuildServiceProvider();
    }
}
