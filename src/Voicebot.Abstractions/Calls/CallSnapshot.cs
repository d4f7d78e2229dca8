namespace Voicebot.Abstractions.Calls;

/// <summary>A call's state at one moment.</summary>
[GenerateSerializer, Immutable, Alias("voicebot.call-snapshot")]
public sealed record CallSnapshot(
    [property: Id(0)] Guid CallId,
    [property: Id(1)] string State,
    [property: Id(2)] IReadOnlyDictionary<string, string> Slots,
    [property: Id(3)] IReadOnlyList<ConversationTurn> History,
    [property: Id(4)] CallOutcome? Outcome);
