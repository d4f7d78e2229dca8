using Voicebot.Abstractions.Calls;
using Voicebot.Conversation.Flows;

namespace Voicebot.Conversation;

/// <summary>
/// The state machine of one call, interpreting a <see cref="FlowDefinition"/>. Pure and deterministic: every
/// event is a method call, every effect is a returned <see cref="ConversationAction"/>. Not thread-safe
/// (the CallGrain runs it one turn at a time).
/// </summary>
public sealed class CallConversation
{
    public CallConversation(FlowDefinition flow, ConversationOptions? options = null)
    {
        throw new NotImplementedException();
    }

    /// <summary>The state the conversation is in (e.g. <c>DIAGNOSTIC</c>).</summary>
    public string CurrentState => throw new NotImplementedException();

    /// <summary>The states entered so far, in order, including the current one.</summary>
    public IReadOnlyList<string> VisitedStates => throw new NotImplementedException();

    /// <summary>Collected values: <c>phone</c> (normalised digits), <c>problem</c> (<c>internet</c>/<c>mobile</c>), <c>name_clip</c>, …</summary>
    public IReadOnlyDictionary<string, string> Slots => throw new NotImplementedException();

    /// <summary>What the current state waits for, or <see langword="null"/> while it waits for nothing.</summary>
    public ExpectedInput? Expecting => throw new NotImplementedException();

    /// <summary>True once an <see cref="EndCall"/> action has been returned; later events return no action.</summary>
    public bool IsEnded => throw new NotImplementedException();

    public CallOutcomeKind? Outcome => throw new NotImplementedException();

    public string? EndReason => throw new NotImplementedException();

    /// <summary>Enters the flow's initial state.</summary>
    public IReadOnlyList<ConversationAction> Start() => throw new NotImplementedException();

    /// <summary>The bot finished playing everything it was asked to say.</summary>
    public IReadOnlyList<ConversationAction> OnPromptsPlayed() => throw new NotImplementedException();

    /// <summary>A DTMF digit.</summary>
    public IReadOnlyList<ConversationAction> OnDtmf(char digit) => throw new NotImplementedException();

    /// <summary>A transcript of what the caller said (rule-based French understanding).</summary>
    public IReadOnlyList<ConversationAction> OnUtterance(string transcript) => throw new NotImplementedException();

    /// <summary>The caller spoke but there is nothing to understand it with (no recognizer, or an empty transcript).</summary>
    public IReadOnlyList<ConversationAction> OnUnintelligibleSpeech() => throw new NotImplementedException();

    /// <summary>A recording asked by <see cref="StartRecording"/> ended; <paramref name="clipReference"/> is null when nothing was said.</summary>
    public IReadOnlyList<ConversationAction> OnRecordingCompleted(string? clipReference) => throw new NotImplementedException();

    /// <summary>The result of a <see cref="RunCheck"/>.</summary>
    public IReadOnlyList<ConversationAction> OnCheckResult(string check, bool result) => throw new NotImplementedException();

    /// <summary>The caller has been silent since the bot stopped speaking: 8 s (<see cref="SilenceLevel.Reprompt"/>) then 15 s (<see cref="SilenceLevel.GiveUp"/>).</summary>
    public IReadOnlyList<ConversationAction> OnSilence(SilenceLevel level) => throw new NotImplementedException();

    /// <summary>The call reached its maximum duration.</summary>
    public IReadOnlyList<ConversationAction> OnMaxDuration() => throw new NotImplementedException();

    /// <summary>The caller hung up; the conversation ends as abandoned (unless already ended).</summary>
    public IReadOnlyList<ConversationAction> OnCallerHangup() => throw new NotImplementedException();

    /// <summary>Something failed that the call cannot go on without; apologise and end with outcome error.</summary>
    public IReadOnlyList<ConversationAction> OnFailure(string reason) => throw new NotImplementedException();
}
