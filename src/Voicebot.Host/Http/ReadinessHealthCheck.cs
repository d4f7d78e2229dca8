using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Voicebot.Host.Http;

/// <summary>
/// Ready as far as the process goes: started, and not stopping (a draining host must not be sent new calls).
/// The silo, the gateway, the phrase cache and the record store have their own checks, each tagged <c>ready</c>.
/// </summary>
internal sealed class ReadinessHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("starting"));
        }

        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("stopping"));
        }

        return Task.FromResult(HealthCheckResult.Healthy("started"));
    }
}
