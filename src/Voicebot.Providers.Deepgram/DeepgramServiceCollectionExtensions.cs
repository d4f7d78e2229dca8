using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Voicebot.Providers.Deepgram;

public static class DeepgramServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="DeepgramSpeechRecognizer"/> and <see cref="DeepgramSpeechSynthesizer"/> as themselves (singletons),
    /// not as <c>ISpeechRecognizer</c>/<c>ISpeechSynthesizer</c>: the host picks providers by configuration. Binds
    /// <see cref="DeepgramOptions"/> to the <c>Deepgram</c> section, validated on start; a missing API key is reported
    /// only when a provider is used.
    /// </summary>
    public static IServiceCollection AddDeepgramSpeech(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptionsWithValidateOnStart<DeepgramOptions, DeepgramOptionsValidator>()
                .Bind(configuration.GetSection(DeepgramOptions.SectionName));

        // Our own timeouts bound every wait (first byte, each chunk); HttpClient's 100 s default would cut long phrases.
        services.AddHttpClient(DeepgramSpeechSynthesizer.HttpClientName, static client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DeepgramSpeechRecognizer>();
        services.TryAddSingleton<DeepgramSpeechSynthesizer>();
        return services;
    }
}
