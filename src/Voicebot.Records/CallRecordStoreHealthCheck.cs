using Microsoft.Extensions.Diagnostics.HealthChecks;
using Voicebot.Records.Storage;

namespace Voicebot.Records;

/// <summary>Readiness: the call record store answers a ping within a few seconds.</summary>
internal sealed class CallRecordStoreHealthCheck(ICallRecordStore store, TimeProvider time) : IHealthCheck
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.PingAsync(cancellationToken).WaitAsync(PingTimeout, time, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The exception's message only: a connection string never reaches the health output.
            return HealthCheckResult.Unhealthy($"call record store unreachable ({ex.GetType().Name})");
        }
    }
}
