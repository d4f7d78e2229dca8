namespace Voicebot.Conversation.Flows;

/// <summary>Phrase keys the engine uses outside of the states (the flow's <c>system</c> section).</summary>
/// <param name="SilenceReprompt">Said at the first silence timeout, e.g. <c>are_you_there</c> ("Allô, vous êtes là ?").</param>
/// <param name="SilenceGoodbye">Said before hanging up at the second silence timeout, e.g. <c>goodbye_silence</c>.</param>
/// <param name="MaxDurationGoodbye">Said before hanging up when the call reaches its maximum duration, e.g. <c>goodbye_max_duration</c>.</param>
/// <param name="Failure">The apology said when something the call needs has failed, e.g. <c>error</c>.</param>
/// <param name="NotUnderstood">Said before the state's prompts again when a state has no <c>retryPrompts</c>, e.g. <c>not_understood</c>.</param>
public sealed record FlowSystemPhrases(
    string SilenceReprompt,
    string SilenceGoodbye,
    string MaxDurationGoodbye,
    string Failure,
    string NotUnderstood);
