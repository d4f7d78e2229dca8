using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Speech;

namespace Voicebot.Providers.Espeak.Tests;

public sealed class EspeakServiceCollectionExtensionsTests
{
    [Fact]
    public void AddEspeakSpeech_NoKeys_UsesTheDocumentedDefaults()
    {
        using var provider = Build([]);

        var options = provider.GetRequiredService<IOptions<EspeakOptions>>().Value;

        Assert.Equal("espeak-ng", options.ExecutablePath);
        Assert.Equal("fr", options.Voice);
        Assert.Equal(160, options.WordsPerMinute);
        Assert.Equal(50, options.Pitch);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout);
        Assert.Equal(Environment.ProcessorCount, options.MaxConcurrency);
    }

    [Fact]
    public void AddEspeakSpeech_Section_BindsAndRegistersOneSynthesizer()
    {
        using var provider = Build(new() { ["Espeak:Voice"] = "fr-be", ["Espeak:WordsPerMinute"] = "180", ["Espeak:Timeout"] = "00:00:05" });

        var synthesizer = provider.GetRequiredService<ISpeechSynthesizer>();
        var options = provider.GetRequiredService<IOptions<EspeakOptions>>().Value;

        Assert.Same(provider.GetRequiredService<EspeakSpeechSynthesizer>(), synthesizer);
        Assert.Equal("fr-be", options.Voice);
        Assert.Equal(180, options.WordsPerMinute);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Timeout);
    }

    [Theory]
    [InlineData("WordsPerMinute", "79")]
    [InlineData("WordsPerMinute", "451")]
    [InlineData("Pitch", "-1")]
    [InlineData("Pitch", "100")]
    [InlineData("Timeout", "00:00:00")]
    [InlineData("MaxConcurrency", "0")]
    [InlineData("Voice", "-x")]
    [InlineData("Voice", "")]
    [InlineData("ExecutablePath", "")]
    public void AddEspeakSpeech_OutOfRangeValue_FailsValidation(string key, string value)
    {
        using var provider = Build(new() { [$"Espeak:{key}"] = value });

        var thrown = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<EspeakOptions>>().Value);

        Assert.Contains(key, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddEspeakSpeech_AnotherSynthesizerFirst_KeepsIt()
    {
        var services = new ServiceCollection();
        var other = new OtherSynthesizer();
        services.AddSingleton<ISpeechSynthesizer>(other);

        services.AddLogging().AddEspeakSpeech(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();

        Assert.Same(other, provider.GetRequiredService<ISpeechSynthesizer>());
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddEspeakSpeech(configuration).BuildServiceProvider();
    }

    private sealed class OtherSynthesizer : ISpeechSynthesizer
    {
        public SpeechVoice Voice { get; } = new("other", "x", 8000, "");

        public IAsyncEnumerable<SynthesizedAudio> SynthesizeAsync(string text, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }
}
