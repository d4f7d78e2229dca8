namespace Voicebot.Conversation.Understanding;

/// <summary>
/// Turns what the caller said into what they meant, within the current question. The rules
/// (<see cref="RuleBasedInterpreter"/>) always work; a language model refines them when configured. An interpreter
/// never decides the flow: <see cref="CallConversation"/> does, from the <see cref="Interpretation"/>.
/// </summary>
public interface IUtteranceInterpreter
{
    /// <summary>Short name for logs and metrics, e.g. <c>rules</c>, <c>llm</c>.</summary>
    string Name { get; }

    /// <exception cref="Abstractions.ProviderUnavailableException">A remote interpreter failed; the caller falls back to the rules.</exception>
    ValueTask<Interpretation> InterpretAsync(string transcript, InterpretationContext context, CancellationToken cancellationToken = default);
}

/// <summary>The question being answered.</summary>
/// <param name="CallId">For logs.</param>
/// <param name="State">The flow state, e.g. <c>DIAGNOSTIC</c>.</param>
/// <param name="Expecting">What the state waits for.</param>
/// <param name="Intents">The intents the state's options accept (e.g. internet, mobile), empty when not a choice.</param>
/// <param name="Slots">What has been collected so far.</param>
/// <param name="Language">e.g. <c>fr</c>.</param>
public sealed record InterpretationContext(
    Guid CallId,
    string State,
    ExpectedInput? Expecting,
    IReadOnlyList<Intent> Intents,
    IReadOnlyDictionary<string, string> Slots,
    string Language = "fr");

/// <summary>The always-available interpreter: <see cref="FrenchUnderstanding"/>'s rules.</summary>
public sealed class RuleBasedInterpreter : IUtteranceInterpreter
{
    public string Name => "rules";

    public ValueTask<Interpretation> InterpretAsync(string transcript, InterpretationContext context, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(string.IsNullOrWhiteSpace(transcript) ? Interpretation.Empty : FrenchUnderstanding.Interpret(transcript));
}
