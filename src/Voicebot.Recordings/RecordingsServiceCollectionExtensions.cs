using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Voicebot.Recordings.Recording;

namespace Voicebot.Recordings;

public static class RecordingsServiceCollectionExtensions
{
    /// <summary>
    /// Adds call recordings: <see cref="RecordingOptions"/> (section <see cref="RecordingOptions.SectionName"/>, validated on
    /// start), the <see cref="RecordingDirectory"/> resolved against <paramref name="contentRoot"/>, and
    /// <see cref="CallRecordingWriter"/> as a singleton and hosted service. The gateway picks the writer up when it is there.
    /// </summary>
    public static IServiceCollection AddCallRecordings(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(contentRoot);

        services.AddOptionsWithValidateOnStart<RecordingOptions, RecordingOptionsValidator>()
            .Bind(configuration.GetSection(RecordingOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => RecordingDirectory.Resolve(contentRoot, sp.GetRequiredService<IOptions<RecordingOptions>>().Value.Directory));
        services.TryAddSingleton<CallRecordingWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<CallRecordingWriter>());
        return services;
    }
}
