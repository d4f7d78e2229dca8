using Microsoft.Extensions.Logging;

namespace Voicebot.Recordings;

/// <summary>Recording log events (ids 6001–6099, stable). The call id is the first argument of every call message.</summary>
internal static partial class RecordingsLog
{
    [LoggerMessage(6001, LogLevel.Debug, "Call {CallId}: recording to {Path}.", EventName = "RecordingStarted")]
    public static partial void RecordingStarted(ILogger logger, Guid callId, string path);

    [LoggerMessage(6002, LogLevel.Information, "Call {CallId}: recording {Path} finished, {Seconds:0.0} s.", EventName = "RecordingFinished")]
    public static partial void RecordingFinished(ILogger logger, Guid callId, string path, double seconds);

    [LoggerMessage(6003, LogLevel.Error, "Call {CallId}: recording {Path} stopped after an I/O error; the call carries on without it.", EventName = "RecordingFailed")]
    public static partial void RecordingFailed(ILogger logger, Guid callId, string path, Exception exception);

    [LoggerMessage(6004, LogLevel.Warning, "Call {CallId}: the recording writer fell behind; {Frames} frame(s) dropped and recorded as silence.", EventName = "RecordingFramesDropped")]
    public static partial void RecordingFramesDropped(ILogger logger, Guid callId, long frames);

    [LoggerMessage(6005, LogLevel.Error, "The recording writer failed; recordings in progress may be incomplete.", EventName = "RecordingWriterFailed")]
    public static partial void RecordingWriterFailed(ILogger logger, Exception exception);
}
