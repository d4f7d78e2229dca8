using Voicebot.Abstractions.Calls;

namespace Voicebot.Records.Storage;

/// <summary>One line of a call list: the record's scalar columns.</summary>
public sealed record CallRecordSummary(
    Guid CallId,
    string? Silo,
    string? CallerNumber,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    CallOutcomeKind Outcome,
    string EndReason,
    int TurnCount,
    int ProviderErrorCount,
    string? RecordingPath)
{
    /// <summary>How long the call lasted.</summary>
    public TimeSpan Duration => EndedAt - StartedAt;
}
