using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Voicebot.Abstractions.Speech;

namespace Voicebot.Providers.Espeak;

public static class EspeakServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="EspeakSpeechSynthesizer"/> (as itself and as <see cref="ISpeechSynthesizer"/>, unless another
    /// synthesizer is already registered) with <see cref="EspeakOptions"/> bound to the <c>Espeak</c> section and validated on start.
    /// </summary>
    public static IServiceCollection AddEspeakSpeech(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptionsWithValidateOnStart<EspeakOptions, EspeakOptionsValidator>()
                .Bind(configuration.GetSection(EspeakOptions.SectionName));

        services.TryAddSingleton<EspeakSpeechSynthesizer>();
        services.TryAddSingleton<ISpeechSynthesizer>(static provider => provider.GetRequiredService<EspeakSpeechSynthesizer>());
        return services;
    }
}
