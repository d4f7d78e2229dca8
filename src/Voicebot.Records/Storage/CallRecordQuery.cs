using Voicebot.Abstractions.Calls;

namespace Voicebot.Records.Storage;

/// <summary>Which records to list: calls started in [<paramref name="Since"/>, <paramref name="Until"/>), newest first.</summary>
/// <param name="Since">Earliest start, inclusive; none when <see langword="null"/>.</param>
/// <param name="Until">Latest start, exclusive; none when <see langword="null"/>.</param>
/// <param name="Outcome">Only this outcome, when set.</param>
/// <param name="Limit">At most this many records.</param>
public sealed record CallRecordQuery(
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    CallOutcomeKind? Outcome = null,
    int Limit = 50);
