using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Records;
using Voicebot.Records.Storage;

namespace Voicebot.Host.Http;

/// <summary>
/// Finds a call for the HTTP API without ever creating one. The record store answers for finished calls (every call
/// after a restart, or once its grain has been collected); otherwise a call grain active somewhere in the cluster is
/// asked (live calls, and calls ended a moment ago whose record is still on its way to the store). The store comes
/// first because the directory may still name a grain that has just been collected: asking it would activate it again.
/// An unknown id costs a store read and a directory lookup, never an activation.
/// </summary>
public sealed class CallLookup(IGrainFactory grains, ICallRecordStore records)
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

        // Live, or ended a moment ago: its grain knows best. A draft whose grain is gone is a call whose process
        // stopped (the restarted silo marks it interrupted): the draft is what there is.
        var grain = grains.GetGrain<ICallGrain>(callId);
        if (await grains.GetGrain<IManagementGrain>(0).GetActivationAddress(grain, cancellationToken) is not null)
        {
            // Collected since the directory answered: this snapshot is of a fresh, empty activation.
            var snapshot = await grain.GetSnapshotAsync();
            if (snapshot.State != CallStates.New)
            {
                return new FoundCall(snapshot, null);
            }
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
