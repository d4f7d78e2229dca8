using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Records;
using Voicebot.Records.Spool;
using Voicebot.Records.Storage;

namespace Voicebot.Records;

/// <summary>Registers durable call records: the store chosen in <c>Records</c>, the spool, the sink and its readiness check.</summary>
public static class CallRecordsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ICallRecordSink"/> (a hosted <see cref="DurableCallRecordSink"/>), <see cref="ICallRecordStore"/>
    /// and a health check tagged <c>ready</c>. Relative paths start at <paramref name="contentRoot"/>.
    /// </summary>
    public static IServiceCollection AddCallRecords(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptionsWithValidateOnStart<CallRecordsOptions, CallRecordsOptionsValidator>()
            .Bind(configuration.GetSection(CallRecordsOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<RecordsMetrics>();
        services.TryAddSingleton<ICallRecordStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<CallRecordsOptions>>().Value;
            return options.IsPostgres
                ? new PostgresCallRecordStore(options.PostgresConnectionString!, provider.GetRequiredService<ILogger<PostgresCallRecordStore>>())
                : new SqliteCallRecordStore(Path.Combine(contentRoot, options.SqlitePath), provider.GetRequiredService<ILogger<SqliteCallRecordStore>>());
        });
        services.TryAddSingleton(provider => new CallRecordSpool(
            Path.Combine(contentRoot, provider.GetRequiredService<IOptions<CallRecordsOptions>>().Value.SpoolDirectory),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<RecordsMetrics>(),
            provider.GetRequiredService<ILogger<CallRecordSpool>>()));
        services.TryAddSingleton<DurableCallRecordSink>();
        services.TryAddSingleton<ICallRecordSink>(provider => provider.GetRequiredService<DurableCallRecordSink>());
        services.AddHostedService(provider => provider.GetRequiredService<DurableCallRecordSink>());
        services.AddHealthChecks().AddCheck<CallRecordStoreHealthCheck>("records", tags: ["ready"]);
        return services;
    }
}
