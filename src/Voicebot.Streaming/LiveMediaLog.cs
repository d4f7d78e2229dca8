using Microsoft.Extensions.Logging;

namespace Voicebot.Streaming;

/// <summary>Log messages of the in-process media streams. The stream key is the call id.</summary>
internal static partial class LiveMediaLog
{
    [LoggerMessage(1101, LogLevel.Warning, "Call {CallId}: {Count} inbound media events dropped unread after {MaxAge}: the call's grain is not keeping up.", EventName = "MediaEventsStale")]
    public static partial void StaleEventsDropped(ILogger logger, string callId, int count, TimeSpan maxAge);

    [LoggerMessage(1102, LogLevel.Warning, "Call {CallId}: more than {Capacity} inbound media events waiting; the oldest are dropped.", EventName = "MediaBacklogFull")]
    public static partial void BacklogFull(ILogger logger, string callId, int capacity);
}
