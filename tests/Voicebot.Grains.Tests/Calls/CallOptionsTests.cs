using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Voicebot.Grains.Calls;
using Voicebot.Testing.Paths;

namespace Voicebot.Grains.Tests.Calls;

public sealed class CallOptionsTests
{
    [Theory]
    [InlineData("Calls:SilenceGiveUp", "00:00:05", "SilenceGiveUp")]
    [InlineData("Calls:Flow", "../secret", "Flow")]
    [InlineData("Calls:MaxDuration", "00:00:01", "MaxDuration")]
    [InlineData("Calls:SpeechThresholdDbfs", "3", "SpeechThresholdDbfs")]
    [InlineData("PhraseCache:RenderConcurrency", "0", "RenderConcurrency")]
    public void Options_OutOfRange_AreRejectedWithTheirName(string key, string value, string name)
    {
        using var services = Build(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() =>
        {
            _ = services.GetRequiredService<IOptions<CallOptions>>().Value;
            _ = services.GetRequiredService<IOptions<Voicebot.Grains.Phrases.PhraseCacheOptions>>().Value;
        });

        Assert.Contains(error.Failures, f => f.Contains(name, StringComparison.Ordinal));
    }

    [Fact]
    public void Options_Defaults_AreTheSeedTimeouts()
    {
        using var services = Build([]);

        var options = services.GetRequiredService<IOptions<CallOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(8), options.SilenceReprompt);
        Assert.Equal(TimeSpan.FromSeconds(15), options.SilenceGiveUp);
        Assert.Equal(TimeSpan.FromMinutes(10), options.MaxDuration);
        Assert.Equal("sav", options.Flow);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddVoicebotConversation(configuration, RepositoryPaths.Root).BuildServiceProvider();
    }
}
