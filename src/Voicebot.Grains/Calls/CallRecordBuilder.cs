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

    /// <summary>The final record, once the gateway has reported the end of the line.</summary>
    public CallRecord? Completed { get; private set; }

    /// <summary>The final record if there is one, else what is known once the outcome is (no recording yet), else nothing.</summary>
    public CallRecord? Current(CallOutcome? outcome, CallStart? start, IReadOnlyList<TurnTiming> turns) =>
        Completed ?? (outcome is { } known ? Build(known, start, turns, known.EndedAt, recordingPath: null) : null);

    /// <summary>
    /// The final record, built once from the outcome and what the gateway knows (the line's end, the recording, first
    /// frames); returns null when there is no outcome yet. The line closes after the outcome (the goodbye still plays):
    /// the call ends with the line.
    /// </summary>
    public CallRecord? Complete(CallOutcome? outcome, CallStart? start, IReadOnlyList<TurnTiming> turns, CallMediaFacts media)
    {
        ArgumentNullException.ThrowIfNull(media);
        if (Completed is null && outcome is not null)
        {
            var endedAt = media.EndedAt > outcome.EndedAt ? media.EndedAt : outcome.EndedAt;
            Completed = Build(outcome, start, turns, endedAt, media.RecordingPath);
        }

        return Completed;
    }

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
