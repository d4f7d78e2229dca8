using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Voicebot.Grains;
using Voicebot.Grains.Audio;
using Voicebot.Host.Hosting;

namespace Voicebot.Cli.Commands;

/// <summary>
/// The phrase store as the host builds it (same configuration, same voice choice and fallback), without a silo:
/// resampling runs in place. Used by <c>voicebot cache</c> and <c>voicebot call --phrases</c>.
/// </summary>
internal static class LocalPhraseServices
{
    public static (ServiceProvider Services, IConfiguration Configuration) Build(string[] configArgs)
    {
        var contentRoot = HostConfiguration.ContentRoot;
        var configuration = HostConfiguration.Build(configArgs);

        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IChunkResampler, LocalChunkResampler>()
            .AddVoicebotConversation(configuration, contentRoot)
            .AddVoicebotSpeech(configuration);
        return (services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }), configuration);
    }
}
