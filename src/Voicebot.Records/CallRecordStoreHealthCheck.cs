using Microsoft.Extensions.Diagnostics.HealthChecks;
using Voicebot.Records.Storage;

namespace Voicebot.Records;

/// <summary>
/// Readiness: the call record store answers a ping within a few seconds. A store outage reports <c>Degraded</c>, not
/// <c>Unhealthy</c>: records wait in the disk spool meanwhile and nothing is lost, so taking every silo out of service
/// (what a failing readiness probe does) would refuse all calls for no gain. The status and reason stay visible in the
/// /health/ready body and the logs.
/// </summary>
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
            return HealthCheckResult.Degraded($"call record store unreachable ({ex.GetType().Name}); records are spooled to disk");
        }
    }
}
