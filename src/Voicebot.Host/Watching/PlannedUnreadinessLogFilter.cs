using Serilog.Core;
using Serilog.Events;
using Voicebot.Gateway.Drain;

namespace Voicebot.Host.Watching;

/// <summary>
/// Drops the health-check service's warnings and errors while the host is starting, stopping or draining: readiness
/// is then "unhealthy" on purpose and every probe would log it as an error (about 290 lines for one planned drain).
/// The drain and the lifetime log their own line once; a check failing in normal service is still logged.
/// </summary>
/// <remarks>
/// Resolves the lifetime and the drain state on first use: the logger is built before them, and the lifetime itself
/// needs a logger (a constructor dependency would be circular).
/// </remarks>
internal sealed class PlannedUnreadinessLogFilter(IServiceProvider services) : ILogEventFilter
{
    private const string HealthCheckService = "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService";
    private IHostApplicationLifetime? _lifetime;
    private IDrainState? _drain;

    public bool IsEnabled(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        if (logEvent.Level < LogEventLevel.Warning
            || !logEvent.Properties.TryGetValue("SourceContext", out var source)
            || source is not ScalarValue { Value: HealthCheckService })
        {
            return true;
        }

        _lifetime ??= services.GetRequiredService<IHostApplicationLifetime>();
        _drain ??= services.GetService<IDrainState>();
        var planned = !_lifetime.ApplicationStarted.IsCancellationRequested
            || _lifetime.ApplicationStopping.IsCancellationRequested
            || _drain is { IsDraining: true };
        return !planned;
    }
}
