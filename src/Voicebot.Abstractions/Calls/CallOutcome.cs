namespace Voicebot.Abstractions.Calls;

/// <summary>The result of a finished call, served to the dialplan and recorded.</summary>
/// <param name="CallId">The AudioSocket UUID.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="EndReason">A short machine-readable reason, e.g. <c>completed</c>, <c>caller-hung-up</c>, <c>silence</c>, <c>max-duration</c>.</param>
/// <param name="Slots">What the bot collected: <c>phone</c>, <c>problem</c>, <c>name_clip</c>, …</param>
/// <param name="VisitedStates">Flow states in the order they were entered.</param>
/// <param name="StartedAt">When the call started.</param>
/// <param name="EndedAt">When it ended.</param>
[GenerateSerializer, Immutable, Alias("voicebot.call-outcome")]
public sealed record CallOutcome(
    [property: Id(0)] Guid CallId,
    [property: Id(1)] CallOutcomeKind Outcome,
    [property: Id(2)] string EndReason,
    [property: Id(3)] IReadOnlyDictionary<string, string> Slots,
    [property: Id(4)] IReadOnlyList<string> VisitedStates,
    [property: Id(5)] DateTimeOffset StartedAt,
    [property: Id(6)] DateTimeOffset EndedAt);
