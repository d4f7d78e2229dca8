using Microsoft.Extensions.Logging;

namespace Voicebot.Records;

internal static partial class RecordsLog
{
    [LoggerMessage(6001, LogLevel.Information, "Call record store ({Store}): schema migration {Version} applied ({Description})", EventName = "SchemaMigrated")]
    public static partial void SchemaMigrated(ILogger logger, string store, int version, string description);

    [LoggerMessage(6002, LogLevel.Debug, "Call {CallId}: record stored", EventName = "RecordStored")]
    public static partial void RecordStored(ILogger logger, Guid callId);

    [LoggerMessage(6003, LogLevel.Warning, "Call {CallId}: the call record store failed; records go to the spool until it answers again", EventName = "StoreWriteFailed")]
    public static partial void StoreWriteFailed(ILogger logger, Guid callId, Exception exception);

    [LoggerMessage(6004, LogLevel.Information, "Call {CallId}: record spooled to {SpoolFile}", EventName = "RecordSpooled")]
    public static partial void RecordSpooled(ILogger logger, Guid callId, string spoolFile);

    [LoggerMessage(6005, LogLevel.Error, "Call {CallId}: the record could not be spooled either; kept in memory until the store or the disk answers", EventName = "SpoolWriteFailed")]
    public static partial void SpoolWriteFailed(ILogger logger, Guid callId, Exception exception);

    [LoggerMessage(6006, LogLevel.Information, "Call {CallId}: spooled record replayed into the store", EventName = "RecordReplayed")]
    public static partial void RecordReplayed(ILogger logger, Guid callId);

    [LoggerMessage(6007, LogLevel.Warning, "Call {CallId}: replay failed, the store is still unreachable; next attempt in {RetryIn}", EventName = "ReplayFailed")]
    public static partial void ReplayFailed(ILogger logger, Guid callId, TimeSpan retryIn, Exception exception);

    [LoggerMessage(6008, LogLevel.Error, "Spool file {SpoolFile} is torn or unreadable; moved aside to {QuarantinedAs} for a person to look at", EventName = "CorruptSpoolFile")]
    public static partial void CorruptSpoolFile(ILogger logger, string spoolFile, string quarantinedAs, Exception exception);

    [LoggerMessage(6009, LogLevel.Information, "{Count} spooled call record(s) found on disk; replaying them", EventName = "SpoolFound")]
    public static partial void SpoolFound(ILogger logger, int count);

    [LoggerMessage(6010, LogLevel.Information, "The call record store answers again; the spool is empty", EventName = "StoreBack")]
    public static partial void StoreBack(ILogger logger);

    [LoggerMessage(6011, LogLevel.Warning, "Call {CallId}: record submitted after the record writer stopped; spooled directly", EventName = "SubmittedAfterStop")]
    public static partial void SubmittedAfterStop(ILogger logger, Guid callId);

    [LoggerMessage(6012, LogLevel.Warning, "Replay of the spooled call records failed; next attempt in {RetryIn}", EventName = "ReplayLoopFailed")]
    public static partial void ReplayLoopFailed(ILogger logger, TimeSpan retryIn, Exception exception);
}
