using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Voicebot.Gateway.Drain;

internal static class DrainServiceCollectionExtensions
{
    /// <summary>
    /// Adds the drain on shutdown: options (section <see cref="DrainOptions.SectionName"/>), <see cref="GatewayDrain"/>
    /// (also as <see cref="IDrainState"/>), the AudioSocket listener factory, the hosted service that runs the drain, and
    /// a host shutdown timeout of at least <see cref="DrainOptions.ShutdownBudget"/>.
    /// </summary>
    public static IServiceCollection AddGatewayDrain(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<DrainOptions, DrainOptionsValidator>()
                .Bind(configuration.GetSection(DrainOptions.SectionName));
        services.TryAddSingleton<GatewayDrain>();
        services.TryAddSingleton<IDrainState>(provider => provider.GetRequiredService<GatewayDrain>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectionListenerFactory, AudioSocketListenerFactory>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, GatewayDrainService>());

        // The host cancels the drain when its shutdown timeout (30 s by default) runs out: it must outlast the drain.
        services.AddOptions<HostOptions>().Configure<IOptions<DrainOptions>>((host, drain) =>
        {
            if (host.ShutdownTimeout < drain.Value.ShutdownBudget)
            {
                host.ShutdownTimeout = drain.Value.ShutdownBudget;
            }
        });
        return services;
    }
}
