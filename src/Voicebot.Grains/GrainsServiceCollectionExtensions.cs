using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Technicians;
using Voicebot.Conversation;
using Voicebot.Grains.Audio;
using Voicebot.Grains.Calls;
using Voicebot.Grains.Conversation;
using Voicebot.Grains.Phrases;
using Voicebot.Grains.Speech;
using Voicebot.Grains.Technicians;

namespace Voicebot.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// Registers what the grains need: options, the flow and phrases, the phrase store and the call clock.
    /// <paramref name="contentRoot"/> anchors the relative paths of the configuration.
    /// </summary>
    public static IServiceCollection AddVoicebotGrains(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        services.TryAddSingleton<IChunkResampler, GrainChunkResampler>();   // before the in-place default below
        services.AddVoicebotConversation(configuration, contentRoot);
        services.AddVoicebotCalls();
        services.AddHostedService<PhraseCacheWarmUp>();
        return services;
    }

    /// <summary>
    /// What the call grains are built from (<see cref="CallServices"/>, the call's composed voice). Silos only: calls
    /// need the technicians and a voice, which the CLI's local services do not have.
    /// </summary>
    public static IServiceCollection AddVoicebotCalls(this IServiceCollection services)
    {
        services.TryAddSingleton<CallVoices>();
        services.TryAddSingleton<CallServices>();
        return services;
    }

    /// <summary>The silo-independent part: options, assets, phrase store. Used by the CLI too.</summary>
    public static IServiceCollection AddVoicebotConversation(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptionsWithValidateOnStart<CallOptions, CallOptionsValidator>()
            .Bind(configuration.GetSection(CallOptions.SectionName))
            .Validate(o => o.SilenceGiveUp > o.SilenceReprompt, "Calls:SilenceGiveUp must be longer than Calls:SilenceReprompt.");
        services.AddOptionsWithValidateOnStart<PhraseCacheOptions, PhraseCacheOptionsValidator>()
            .Bind(configuration.GetSection(PhraseCacheOptions.SectionName));
        services.AddOptions<ConversationOptions>().Bind(configuration.GetSection("Conversation"));
        services.AddOptionsWithValidateOnStart<SpeechOptions, SpeechOptionsValidator>()
            .Bind(configuration.GetSection(SpeechOptions.SectionName));
        services.TryAddSingleton(sp => new UtteranceInterpreters(
            sp.GetRequiredService<IOptions<SpeechOptions>>(),
            sp.GetService<Voicebot.Conversation.Understanding.IUtteranceInterpreter>()));

        services.TryAddSingleton(new ContentPaths(contentRoot));
        services.TryAddSingleton(sp => new ConversationAssets(sp.GetRequiredService<IOptions<CallOptions>>(), sp.GetRequiredService<ContentPaths>()));
        services.TryAddSingleton<PhraseStore>();
        services.TryAddSingleton<SpokenTextCache>();
        services.AddMetrics();
        services.TryAddSingleton<CallMetrics>();
        services.TryAddSingleton<ICallTransfer>(DialplanCallTransfer.Instance);
        services.TryAddSingleton<IChunkResampler, LocalChunkResampler>();
        services.TryAddSingleton(sp => new CallClock(sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return services;
    }
}

[OptionsValidator]
internal sealed partial class CallOptionsValidator : IValidateOptions<CallOptions>
{
}

[OptionsValidator]
internal sealed partial class SpeechOptionsValidator : IValidateOptions<SpeechOptions>
{
}

[OptionsValidator]
internal sealed partial class PhraseCacheOptionsValidator : IValidateOptions<PhraseCacheOptions>
{
}
