using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Voicebot.Gateway.BargeIn;
using Voicebot.Gateway.Calls;
using Voicebot.Gateway.Drain;
using Voicebot.Gateway.Pacing;
using Voicebot.Gateway.Watching;

namespace Voicebot.Gateway;

public static class AudioSocketServiceCollectionExtensions
{
    /// <summary>
    /// Adds the AudioSocket gateway: options (sections <see cref="AudioSocketOptions.SectionName"/> and
    /// <see cref="BargeInOptions.SectionName"/>, validated on start),
    /// the Kestrel endpoint, the call registry, the outbound pacer (its path warmed up before the first call) and <see cref="OrleansCallControl"/> as
    /// <see cref="ICallControl"/>, and the drain on shutdown (section <see cref="DrainOptions.SectionName"/>, see
    /// <see cref="IDrainState"/>). Every registration is a TryAdd, so a host or a test can register its own first.
    /// </summary>
    public static IServiceCollection AddAudioSocketGateway(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptionsWithValidateOnStart<AudioSocketOptions, AudioSocketOptionsValidator>()
                .Bind(configuration.GetSection(AudioSocketOptions.SectionName));
        services.AddOptionsWithValidateOnStart<BargeInOptions, BargeInOptionsValidator>()
                .Bind(configuration.GetSection(BargeInOptions.SectionName));

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CallRegistry>();
        services.TryAddSingleton<ICallsServedHere>(provider => provider.GetRequiredService<CallRegistry>());
        services.TryAddSingleton<OutboundPacer>();
        services.AddMetrics();
        services.TryAddSingleton<GatewayMetrics>();
        services.TryAddSingleton<ConnectionViolationLog>();
        services.TryAddSingleton<AudioSocketListener>();
        services.TryAddSingleton<ICallControl, OrleansCallControl>();
        services.TryAddSingleton<AudioSocketConnectionHandler>();
        services.AddHostedService<PacerWarmup>();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>, AudioSocketKestrelSetup>());
        services.AddGatewayDrain(configuration);
        return services;
    }
}
