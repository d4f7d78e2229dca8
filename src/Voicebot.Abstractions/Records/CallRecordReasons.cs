namespace Voicebot.Abstractions.Records;

/// <summary>End reasons that belong to the record's life rather than to a conversation.</summary>
public static class CallRecordReasons
{
    /// <summary>
    /// A draft: the call is (or was) in progress. Written in the call's first seconds and at every state change, replaced
    /// by the final record when the call ends; a final record is never replaced by a draft.
    /// </summary>
    public const string InProgress = "in-progress";

    /// <summary>The process holding the call stopped without ending it (<c>kill -9</c>, a crash, a power cut).</summary>
    public const string Interrupted = "interrupted";

    /// <summary>Whether <paramref name="record"/> is a draft of a call not ended (yet).</summary>
    public static bool IsInProgress(CallRecord record) =>
        string.Equals(record?.EndReason, InProgress, StringComparison.Ordinal);
}
