using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Voicebot.Host.Http;

namespace Voicebot.Host.Tests.Watching;

public sealed class ReadinessHealthCheckTests
{
    [Fact]
    public async Task Starting_IsNotReady()
    {
        var lifetime = new Lifetime();

        var result = await new ReadinessHealthCheck(lifetime).CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("starting", result.Description);
    }

    [Fact]
    public async Task Started_IsReady_Stopping_IsNotReadyAgain()
    {
        var lifetime = new Lifetime();
        var check = new ReadinessHealthCheck(lifetime);
        var ct = TestContext.Current.CancellationToken;

        await lifetime.Started.CancelAsync();
        var started = await check.CheckHealthAsync(new HealthCheckContext(), ct);
        await lifetime.Stopping.CancelAsync();
        var stopping = await check.CheckHealthAsync(new HealthCheckContext(), ct);

        Assert.Equal(HealthStatus.Healthy, started.Status);
        Assert.Equal(HealthStatus.Unhealthy, stopping.Status);
        Assert.Equal("stopping", stopping.Description);
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public CancellationTokenSource Started { get; } = new();

        public CancellationTokenSource Stopping { get; } = new();

        public CancellationToken ApplicationStarted => Started.Token;

        public CancellationToken ApplicationStopping => Stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => Stopping.Cancel();
    }
}
