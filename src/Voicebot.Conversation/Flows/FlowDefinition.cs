namespace Voicebot.Conversation.Flows;

/// <summary>A conversation flow loaded from <c>assets/flows/*.json</c> (states, prompts, expected inputs, transitions).</summary>
public sealed record FlowDefinition
{
    /// <summary>Flow name, e.g. <c>sav</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Language of its phrases, e.g. <c>fr</c>.</summary>
    public required string Language { get; init; }

    /// <summary>The state a call starts in.</summary>
    public required string InitialState { get; init; }

    // The helper implementing the engine completes this type (states, transitions, system prompts).
}
