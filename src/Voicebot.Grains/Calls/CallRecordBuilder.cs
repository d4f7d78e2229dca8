using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Records;

namespace Voicebot.Grains.Calls;

/// <summary>
/// What the call's record is made of as it happens: the history of turns and events, the providers' failures, and the
/// record built from them with the outcome and the timings. Not thread-safe (the grain's).
/// </summary>
internal sealed class CallRecordBuilder(Guid callId, string silo, TimeProvider time)
{
    private readonly List<ConversationTurn> _history = [];
    private readonly List<ProviderError> _providerErrors = [];

    public IReadOnlyList<ConversationTurn> History => _history;

    public void Add(Speaker speaker, TurnKind kind, string content, string state) =>
        _history.Add(new ConversationTurn(time.GetUtcNow(), speaker, kind, content, state));

    public void ProviderFailed(ProviderError error) => _providerErrors.Add(error);

    /// <summary>
    /// The call as it stands (<see cref="CallRecordReasons.InProgress"/>), so a process killed mid-call leaves a record
    /// with what was collected and the recording; the final record replaces it.
    /// </summary>
    public CallRecord Draft(Voicebot.Conversation.CallConversation conversation, CallStart? start, IReadOnlyList<TurnTiming> turns)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var now = time.GetUtcNow();
        var draft = new CallOutcome(
            callId, CallOutcomeKind.Error, CallRecordReasons.InProgress, new Dictionary<string, string>(conversation.Slots),
            [.. conversation.VisitedStates], start?.ConnectedAt ?? now, now);
        return Build(draft, start, turns, now, start?.RecordingPath);
    }

    public CallRecord Build(CallOutcome outcome, CallStart? start, IReadOnlyList<TurnTiming> turns, DateTimeOffset endedAt, string? recordingPath)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return new CallRecord(
            callId, start?.GatewaySilo ?? silo, start?.RemoteEndPoint, outcome.Slots.GetValueOrDefault("phone"),
            outcome.StartedAt, endedAt, outcome.Outcome, outcome.EndReason, outcome.Slots, outcome.VisitedStates,
            [.. _history], turns, [.. _providerErrors], recordingPath);
    }
}
