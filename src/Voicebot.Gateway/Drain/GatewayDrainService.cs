using Microsoft.Extensions.Hosting;

namespace Voicebot.Gateway.Drain;

/// <summary>
/// Runs the drain in <see cref="IHostedLifecycleService.StoppingAsync"/>, which the host calls before any hosted
/// service's <c>StopAsync</c>: the web server (HTTP, the outcome endpoint, the active AudioSocket connections) and the
/// Orleans silo (the call grains) are all still running while calls finish.
/// </summary>
internal sealed class GatewayDrainService(GatewayDrain drain) : IHostedLifecycleService
{
    public Task StoppingAsync(CancellationToken cancellationToken) => drain.DrainAsync(cancellationToken);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
