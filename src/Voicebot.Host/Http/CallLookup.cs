using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Records;
using Voicebot.Gateway.Calls;
using Voicebot.Records.Storage;

namespace Voicebot.Host.Http;

/// <summary>
/// Finds a call for the HTTP API without ever creating one. The record store answers for finished calls (every call
/// after a restart, or once its grain has been collected). A call's grain is asked only when the call is known to
/// exist: this gateway holds it or ended it lately, or the store has its draft (written from the call's first state,
/// so any silo of the cluster knows it). An unknown id costs a store read; it never activates a grain.
/// </summary>
public sealed class CallLookup(IGrainFactory grains, ICallRecordStore records, ICallsServedHere servedHere)
{
    public async Task<FoundCall?> FindAsync(Guid callId, CancellationToken cancellationToken)
    {
        CallRecord? record;
        try
        {
            record = await records.GetAsync(callId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new CallRecordStoreUnavailableException(ex);
        }

        if (record is not null && !CallRecordReasons.IsInProgress(record))
        {
            return new FoundCall(null, record);
        }

        if (record is null && !servedHere.Knows(callId))
        {
            return null;
        }

        // Live, or ended a moment ago (its final record still on its way to the store): its grain knows best. A grain
        // gone with its process answers as a fresh activation ("NEW"): then the draft is what there is, until the
        // restarted silo closes it as interrupted.
        var snapshot = await grains.GetGrain<ICallGrain>(callId).GetSnapshotAsync();
        if (snapshot.State != CallStates.New)
        {
            return new FoundCall(snapshot, null);
        }

        return record is null ? null : new FoundCall(null, record);
    }
}

/// <summary>The record store could not be read: the call may exist, the answer is "try later" (503), not "unknown".</summary>
public sealed class CallRecordStoreUnavailableException(Exception inner)
    : Exception("The call record store could not be read: " + inner.Message, inner);

/// <summary>A call as found: its live grain's snapshot, or its stored record.</summary>
public sealed record FoundCall(CallSnapshot? Live, CallRecord? Stored)
{
    /// <summary>How it ended, once it has (a stored draft has not).</summary>
    public CallOutcome? Outcome => Live is not null
        ? Live.Outcome
        : CallRecordReasons.IsInProgress(Stored!) ? null : new CallOutcome(Stored!.CallId, Stored.Outcome, Stored.EndReason, Stored.Slots, Stored.VisitedStates, Stored.StartedAt, Stored.EndedAt);

    /// <summary>The flow state it is in, or ended in.</summary>
    public string State => Live?.State ?? (Stored!.VisitedStates.Count > 0 ? Stored.VisitedStates[^1] : CallStates.New);
}
