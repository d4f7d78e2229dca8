using Microsoft.Extensions.Logging;
using Voicebot.Abstractions.Calls;
using Voicebot.Conversation;

namespace Voicebot.Grains.Calls;

/// <summary>
/// How the call ends once the conversation has decided: the outcome, then the caller handed over to a technician (once
/// « je vous transfère » has been heard) or the line hung up after the goodbye. Not thread-safe (the grain's).
/// </summary>
internal sealed class CallEnding(Guid callId, TechnicianHandOver technicians, CallMetrics metrics, TimeProvider time, ILogger logger)
{
    /// <summary>The outcome, once the conversation has ended.</summary>
    public CallOutcome? Outcome { get; private set; }

    /// <summary>The caller is handed over once the bot has finished talking (or is interrupted).</summary>
    public bool TransferPending { get; private set; }

    /// <summary>Records the outcome of the conversation that just ended.</summary>
    public void End(EndCall end, CallConversation conversation, CallStart? start)
    {
        ArgumentNullException.ThrowIfNull(end);
        ArgumentNullException.ThrowIfNull(conversation);
        var now = time.GetUtcNow();
        var started = start?.ConnectedAt ?? now;
        Outcome = new CallOutcome(callId, end.Outcome, end.Reason, new Dictionary<string, string>(conversation.Slots), [.. conversation.VisitedStates], started, now);
        CallLog.Ended(logger, callId, end.Outcome, end.Reason, (now - started).TotalSeconds);
        metrics.Ended(end.Outcome.ToString());
    }

    /// <summary>Carries the outcome out on the line: a transfer now or once the bot has finished, else a hang-up after the goodbye.</summary>
    public async Task<bool> CarryOutAsync(CallPlayback? line)
    {
        if (Outcome?.Outcome != CallOutcomeKind.Transfer)
        {
            if (line is not null)
            {
                await line.HangUpAsync();   // the gateway hangs up once the goodbye has played
            }

            return false;
        }

        if (line is { IsTalking: true })
        {
            TransferPending = true;
            return false;
        }

        return await TransferAsync(line);
    }

    /// <summary>
    /// Hands the caller over: an active transfer path (AMI Redirect) takes the channel and Asterisk closes the socket
    /// (returns true); otherwise the bot hangs up and the dialplan routes on the outcome. Never leaves the call hanging.
    /// </summary>
    public async Task<bool> TransferAsync(CallPlayback? line)
    {
        TransferPending = false;
        if (line is null || line.LineClosed || Outcome is null)
        {
            return false;
        }

        if (await technicians.TransferAsync(callId, Outcome.Slots))
        {
            return true;
        }

        await line.HangUpAsync();
        return false;
    }

    /// <summary>The caller hung up: there is nobody to hand over.</summary>
    public void CancelTransfer() => TransferPending = false;
}
