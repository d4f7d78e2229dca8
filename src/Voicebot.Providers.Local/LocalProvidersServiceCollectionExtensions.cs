using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Voicebot.Abstractions.Technicians;
using Voicebot.Providers.Local.Technicians;

namespace Voicebot.Providers.Local;

public static class LocalProvidersServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ScheduledTechnicianAvailability"/> as the <see cref="ITechnicianAvailability"/> unless one is
    /// already registered, binds <see cref="TechnicianOptions"/> from the <c>Technicians</c> section and validates them
    /// at start-up. Uses the registered <see cref="TimeProvider"/> (<see cref="TimeProvider.System"/> if none).
    /// </summary>
    public static IServiceCollection AddLocalTechnicianAvailability(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptionsWithValidateOnStart<TechnicianOptions, TechnicianOptionsValidator>()
            .Bind(configuration.GetSection(TechnicianOptions.SectionName));

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITechnicianAvailability, ScheduledTechnicianAvailability>();
        return services;
    }
}
