using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Speech;
using Voicebot.Conversation.Understanding;
using Voicebot.Grains.Calls;
using Voicebot.Grains.Phrases;
using Voicebot.Providers.Deepgram;
using Voicebot.Providers.Espeak;
using Voicebot.Providers.OpenAI;
using Voicebot.Providers.OpenAI.Speech;
using Voicebot.Providers.OpenAI.Understanding;

namespace Voicebot.Host.Hosting;

/// <summary>
/// Chooses the speech providers from configuration (<c>Speech:Recognizer</c>, <c>Speech:Synthesizer</c>,
/// <c>Llm:Enabled</c>). Every provider is registered, so its options are validated at start-up; only the chosen ones
/// are used. espeak-ng is always there: the default voice, and the fallback when a cloud voice is down.
/// </summary>
public static class SpeechProvidersServiceCollectionExtensions
{
    public static IServiceCollection AddVoicebotSpeech(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var speech = configuration.GetSection(SpeechOptions.SectionName).Get<SpeechOptions>() ?? new SpeechOptions();

        switch (speech.Synthesizer)
        {
            case "openai":
                services.TryAddSingleton<ISpeechSynthesizer>(sp => sp.GetRequiredService<OpenAISpeechSynthesizer>());
                services.TryAddSingleton(sp => new PhraseFallbackVoice(sp.GetRequiredService<EspeakSpeechSynthesizer>()));
                break;
            case "deepgram":
                services.TryAddSingleton<ISpeechSynthesizer>(sp => sp.GetRequiredService<DeepgramSpeechSynthesizer>());
                services.TryAddSingleton(sp => new PhraseFallbackVoice(sp.GetRequiredService<EspeakSpeechSynthesizer>()));
                break;
            default:
                services.TryAddSingleton<ISpeechSynthesizer>(sp => sp.GetRequiredService<EspeakSpeechSynthesizer>());
                break;
        }

        if (speech.Recognizer == "deepgram")
        {
            services.TryAddSingleton<ISpeechRecognizer>(sp => sp.GetRequiredService<DeepgramSpeechRecognizer>());
            services.AddOptions<SpeechOptions>().Validate<IOptions<DeepgramOptions>>(
                (s, deepgram) => HangoverOutlastsEndOfTurn(s, deepgram.Value),
                "Speech:VoiceHangover must be at least 500 ms longer than Deepgram:Endpointing and Deepgram:UtteranceEndMs: "
                + "the recognizer has to hear the pause that ends a turn.");
        }

        if (configuration.GetValue<bool>("Llm:Enabled"))
        {
            services.TryAddSingleton<IUtteranceInterpreter>(sp => sp.GetRequiredService<LlmUtteranceInterpreter>());
        }

        services.AddEspeakSpeech(configuration);
        services.AddDeepgramSpeech(configuration);
        services.AddOpenAISpeech(configuration);
        services.AddOpenAILanguageModel(configuration);
        return services;
    }

    /// <summary>With the voice gate, the audio after the last word stops after <c>VoiceHangover</c>; Deepgram must have ended the turn by then.</summary>
    private static bool HangoverOutlastsEndOfTurn(SpeechOptions speech, DeepgramOptions deepgram) =>
        speech.RecognizerAudio != "voice"
        || speech.VoiceHangover >= TimeSpan.FromMilliseconds(Math.Max(deepgram.Endpointing, deepgram.UtteranceEndMs) + 500);
}
