using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Voicebot.Grains.Phrases;

/// <summary>
/// Renders missing phrases before the gateway accepts calls (registered after the silo, before the web server),
/// so the first caller never waits for the synthesizer. A failure stops the host with the reason: serving calls
/// that cannot hear anything would be worse.
/// </summary>
public sealed class PhraseCacheWarmUp(PhraseStore store, ILogger<PhraseCacheWarmUp> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var rendered = await store.WarmUpAsync(cancellationToken);
            PhraseLog.Ready(logger, store.CacheDirectory, store.Keys.Count, rendered);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            PhraseLog.WarmUpFailed(logger, ex.Message, ex);
            throw;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
