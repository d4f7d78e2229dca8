using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Voicebot.Abstractions.Technicians;
using Voicebot.Providers.Asterisk.Ami;
using Voicebot.Providers.Asterisk.Technicians;

namespace Voicebot.Providers.Asterisk;

public static class AsteriskServiceCollectionExtensions
{
    /// <summary>
    /// When <c>Asterisk:Ami:Enabled</c> is true: binds and validates <see cref="AmiOptions"/> at start-up, runs
    /// <see cref="AmiClient"/> as a hosted service, and replaces whatever <see cref="ITechnicianAvailability"/> and
    /// <see cref="ICallTransfer"/> are registered with <see cref="AmiTechnicianAvailability"/> and
    /// <see cref="AmiCallTransfer"/> (so call it after the local providers). When disabled, registers nothing.
    /// </summary>
    public static IServiceCollection AddAsteriskAmi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var section = configuration.GetSection(AmiOptions.SectionName);
        if (!section.GetValue<bool>(nameof(AmiOptions.Enabled)))
        {
            return services;
        }

        services.AddOptionsWithValidateOnStart<AmiOptions, AmiOptionsValidator>().Bind(section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AmiClient>();
        services.TryAddSingleton<IAmiClient>(provider => provider.GetRequiredService<AmiClient>());
        services.AddHostedService(provider => provider.GetRequiredService<AmiClient>());

        services.RemoveAll<ITechnicianAvailability>();
        services.AddSingleton<ITechnicianAvailability, AmiTechnicianAvailability>();
        services.RemoveAll<ICallTransfer>();
        services.AddSingleton<ICallTransfer, AmiCallTransfer>();
        return services;
    }
}
