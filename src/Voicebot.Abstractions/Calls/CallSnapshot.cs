namespace Voicebot.Abstractions.Calls;

/// <summary>A call's state at one moment. <see cref="Silo"/> is the silo that hosts the call's grain;
/// <see cref="WaitingForCaller"/> is true while the bot has finished speaking and the silence timers run;
/// <see cref="CallerSpeaking"/> while the caller's voice is heard.</summary>
[GenerateSerializer, Immutable, Alias("voicebot.call-snapshot")]
public sealed record CallSnapshot(
    [property: Id(0)] Guid CallId,
    [property: Id(1)] string State,
    [property: Id(2)] IReadOnlyDictionary<string, string> Slots,
    [property: Id(3)] IReadOnlyList<ConversationTurn> History,
    [property: Id(4)] CallOutcome? Outcome,
    [property: Id(5)] string? Silo = null,
    [property: Id(6)] bool WaitingForCaller = false,
    [property: Id(7)] bool CallerSpeaking = false);
