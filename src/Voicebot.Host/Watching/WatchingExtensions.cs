using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Prometheus;
using Voicebot.Host.Http;

namespace Voicebot.Host.Watching;

/// <summary>What an operator watches: <c>/metrics</c>, <c>/health/live</c>, <c>/health/ready</c> and the log files.</summary>
public static class WatchingExtensions
{
    /// <summary>The tag of every readiness check; another component adds its own check with it (the record store does).</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Adds the Prometheus bridge, the readiness checks (process started and not stopping, silo active, AudioSocket
    /// listener bound, phrase cache loaded) and the CallId log scope on CallGrain calls, and anchors relative Serilog
    /// file paths to the content root.
    /// </summary>
    public static WebApplicationBuilder AddVoicebotWatching(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        LogFilePaths.AnchorToContentRoot(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<PrometheusMeterBridge>();
        builder.Services.AddSingleton<IIncomingGrainCallFilter, CallLogScopeFilter>();
        builder.Services.AddHealthChecks()
            .AddCheck<ReadinessHealthCheck>("host", tags: [ReadyTag])
            .AddCheck<SiloHealthCheck>("silo", tags: [ReadyTag])
            .AddCheck<GatewayListeningHealthCheck>("gateway", tags: [ReadyTag])
            .AddCheck<PhraseCacheHealthCheck>("phrase-cache", tags: [ReadyTag]);
        return builder;
    }

    /// <summary>Maps <c>/metrics</c> and the health endpoints; starts the bridge now, before the silo, so it sees every grain.</summary>
    public static WebApplication MapVoicebotWatching(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var bridge = app.Services.GetRequiredService<PrometheusMeterBridge>();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthJson.WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = HealthJson.WriteAsync,
        });
        app.MapMetrics("/metrics", bridge.Registry);
        return app;
    }
}
