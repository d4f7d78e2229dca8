using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Records;
using Voicebot.Grains.Calls;
using Voicebot.Records.Storage;

namespace Voicebot.Host.Records;

/// <summary>
/// Turns the drafts of calls whose process stopped mid-call (<c>kill -9</c>, a crash) into final records: outcome
/// <c>error</c>, reason <see cref="CallRecordReasons.Interrupted"/>, with what the draft holds (slots, history, the
/// recording). A draft is dead when it was written by this silo's endpoint in an earlier life, by a silo the cluster
/// has declared dead, or when its call started longer ago than <c>Calls:MaxDuration</c> plus a minute (no live call
/// is that old). Runs once the host has started, then every minute; a store that fails is tried again next time.
/// </summary>
internal sealed partial class InterruptedCallRecovery(
    ICallRecordStore store,
    ILocalSiloDetails local,
    IClusterMembershipService membership,
    IOptions<CallOptions> calls,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<InterruptedCallRecovery> logger) : BackgroundService
{
    private const int BatchSize = 500;
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, lifetime.ApplicationStarted).WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStarted.IsCancellationRequested)
        {
            // started
        }

        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            await RecoverOnceAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass; returns how many drafts were closed as interrupted.</summary>
    internal async Task<int> RecoverOnceAsync(CancellationToken cancellationToken)
    {
        var closed = 0;
        try
        {
            foreach (var draft in await store.ListInProgressAsync(BatchSize, cancellationToken))
            {
                if (!IsDead(draft))
                {
                    continue;
                }

                await store.SaveAsync(draft with { Outcome = Abstractions.Calls.CallOutcomeKind.Error, EndReason = CallRecordReasons.Interrupted }, cancellationToken);
                Interrupted(logger, draft.CallId, draft.Silo ?? "?", draft.VisitedStates.Count > 0 ? draft.VisitedStates[^1] : "?");
                closed++;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RecoveryFailed(logger, ex.Message, ex);
        }

        return closed;
    }

    private bool IsDead(CallRecord draft)
    {
        if (time.GetUtcNow() - draft.StartedAt > calls.Value.MaxDuration + Margin)
        {
            return true;
        }

        if (draft.Silo is not { Length: > 0 } silo)
        {
            return false;
        }

        if (Names(local.SiloAddress).Contains(silo))
        {
            return false;   // one of ours, alive
        }

        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            if (Names(member.SiloAddress).Contains(silo))
            {
                return member.Status == SiloStatus.Dead;
            }
        }

        // This endpoint in an earlier life (same address and port, another generation): this process restarted.
        return EndpointOf(silo) == local.SiloAddress.Endpoint.ToString();
    }

    /// <summary>"S10.0.0.5:11111:155619835" → "10.0.0.5:11111" (the generation, after the last colon, dropped).</summary>
    internal static string? EndpointOf(string silo)
    {
        var text = silo.StartsWith('S') ? silo[1..] : silo;
        var generation = text.LastIndexOf(':');
        return generation > 0 ? text[..generation] : null;
    }

    private static string[] Names(SiloAddress address) => [address.ToString(), address.ToParsableString()];

    [LoggerMessage(1, LogLevel.Warning, "Call {CallId} was in progress on {Silo} when that process stopped (last state {State}): its record is closed as interrupted.", EventName = "CallInterrupted")]
    private static partial void Interrupted(ILogger logger, Guid callId, string silo, string state);

    [LoggerMessage(2, LogLevel.Warning, "Closing the records of interrupted calls failed ({Reason}); trying again in a minute.", EventName = "InterruptedRecoveryFailed")]
    private static partial void RecoveryFailed(ILogger logger, string reason, Exception exception);
}
