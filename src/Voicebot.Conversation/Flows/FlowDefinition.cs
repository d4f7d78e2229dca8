namespace Voicebot.Conversation.Flows;

/// <summary>A conversation flow loaded from <c>assets/flows/*.json</c> (states, prompts, expected inputs, transitions).</summary>
/// <remarks>Build it with <see cref="FlowLoader"/>, which checks that every transition and phrase key resolves.</remarks>
public sealed record FlowDefinition
{
    /// <summary>Flow name, e.g. <c>sav</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Language of its phrases, e.g. <c>fr</c>.</summary>
    public required string Language { get; init; }

    /// <summary>The state a call starts in.</summary>
    public required string InitialState { get; init; }

    /// <summary>The end state entered when a state runs out of retries (e.g. <c>ERROR</c>).</summary>
    public required string ErrorState { get; init; }

    /// <summary>
    /// The state a choice state jumps to when the caller asks for a human ("je veux parler à un conseiller") and no
    /// option of the state matches; <see langword="null"/> when the flow does not offer it.
    /// </summary>
    public string? HumanRequestState { get; init; }

    /// <summary>Phrases the engine says outside of any state: silence, time limit, failure.</summary>
    public required FlowSystemPhrases System { get; init; }

    /// <summary>Every state, by name (upper case, e.g. <c>DIAGNOSTIC</c>).</summary>
    public required IReadOnlyDictionary<string, FlowState> States { get; init; }

    /// <summary>The state named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The flow has no such state.</exception>
    public FlowState GetState(string name) =>
        States.TryGetValue(name, out var state) ? state : throw new KeyNotFoundException($"Flow '{Name}' has no state '{name}'.");
}
