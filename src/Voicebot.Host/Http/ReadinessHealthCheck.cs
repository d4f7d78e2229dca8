using Microsoft.Extensions.Diagnostics.HealthChecks;
using Voicebot.Grains.Phrases;

namespace Voicebot.Host.Http;

/// <summary>Ready = the silo is up and the phrase cache is loaded (the gateway listens once the host has started).</summary>
internal sealed class ReadinessHealthCheck(PhraseStore phrases, IHostApplicationLifetime lifetime) : IHealthCheck
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

        return Task.FromResult(phrases.IsWarm ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("phrase cache not loaded"));
    }
}
