using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Voicebot.Gateway.Drain;
using Voicebot.Gateway.Watching;
using Voicebot.Grains.Phrases;

namespace Voicebot.Host.Watching;

/// <summary>Ready: this silo is active in its cluster.</summary>
internal sealed class SiloHealthCheck(ISiloStatusOracle silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = silo.CurrentStatus;
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy("active")
            : HealthCheckResult.Unhealthy(status.ToString().ToLowerInvariant()));
    }
}

/// <summary>Ready: the AudioSocket listener is bound (Asterisk's connection would be refused before) and not draining.</summary>
internal sealed class GatewayListeningHealthCheck(AudioSocketListener listener, IServer server, IDrainState drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.IsDraining
            ? HealthCheckResult.Unhealthy("draining: new calls are refused")
            : listener.IsListening(server)
            ? HealthCheckResult.Healthy($"listening on {listener.EndPoint}")
            : HealthCheckResult.Unhealthy("AudioSocket listener not bound"));
}

/// <summary>Ready: every phrase is synthesized and cached, so the first caller hears no synthesis delay.</summary>
internal sealed class PhraseCacheHealthCheck(PhraseStore phrases) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(phrases.IsWarm ? HealthCheckResult.Healthy("loaded") : HealthCheckResult.Unhealthy("phrase cache not loaded"));
}
