using System.Net;
using Microsoft.Extensions.Logging;
using Voicebot.Protocol;

namespace Voicebot.Gateway;

/// <summary>
/// Gateway log events. Ids are stable (alerts key on them): retire an id, never reuse it. The call id is the first
/// argument of every call message (<see cref="Guid.Empty"/> before the UUID has arrived).
/// </summary>
internal static partial class GatewayLog
{
    private static readonly Func<ILogger, Guid, IDisposable?> CallScopeFactory =
        LoggerMessage.DefineScope<Guid>("CallId:{CallId}");

    /// <summary>Opens the logging scope that tags everything logged for this call.</summary>
    public static IDisposable? CallScope(ILogger logger, Guid callId) => CallScopeFactory(logger, callId);

    [LoggerMessage(1, LogLevel.Information, "Call {CallId} connected from {RemoteEndPoint} on {ConnectionId}.", EventName = "CallConnected")]
    public static partial void CallConnected(ILogger logger, Guid callId, EndPoint? remoteEndPoint, string connectionId);

    [LoggerMessage(2, LogLevel.Information, "Call {CallId} started at {SampleRate} Hz.", EventName = "CallStarted")]
    public static partial void CallStarted(ILogger logger, Guid callId, int sampleRate);

    [LoggerMessage(3, LogLevel.Warning, "Call {CallId} on {ConnectionId} broke the AudioSocket protocol ({Violation}): {Reason} Hanging up.", EventName = "ProtocolViolation")]
    public static partial void ProtocolViolation(ILogger logger, Guid callId, string connectionId, AudioSocketViolation violation, string reason);

    [LoggerMessage(4, LogLevel.Warning, "Call {CallId} from {RemoteEndPoint} refused: {ActiveCalls} of {MaxCalls} calls active. Playing the busy phrase.", EventName = "CallRefused")]
    public static partial void CallRefused(ILogger logger, Guid callId, EndPoint? remoteEndPoint, int activeCalls, int maxCalls);

    [LoggerMessage(5, LogLevel.Information, "Call {CallId} ended: {Reason}.", EventName = "CallEnded")]
    public static partial void CallEnded(ILogger logger, Guid callId, string reason);

    [LoggerMessage(7, LogLevel.Warning, "Call {CallId}: control plane call {Operation} failed.", EventName = "ControlPlaneFailed")]
    public static partial void ControlPlaneFailed(ILogger logger, Guid callId, string operation, Exception exception);

    [LoggerMessage(8, LogLevel.Warning, "Call {CallId}: busy phrase {PhraseKey} unavailable; playing silence instead.", EventName = "BusyPhraseUnavailable")]
    public static partial void BusyPhraseUnavailable(ILogger logger, Guid callId, string phraseKey, Exception exception);

    [LoggerMessage(9, LogLevel.Error, "Call {CallId}: writing an outbound frame failed; ending the call.", EventName = "PacerWriteFailed")]
    public static partial void PacerWriteFailed(ILogger logger, Guid callId, Exception exception);

    [LoggerMessage(10, LogLevel.Error, "Call {CallId} on {ConnectionId} failed in the gateway. Hanging up.", EventName = "ConnectionFailed")]
    public static partial void ConnectionFailed(ILogger logger, Guid callId, string connectionId, Exception exception);

    [LoggerMessage(11, LogLevel.Warning, "Call {CallId}: the hang-up frame could not be written within {Timeout}; aborting the connection.", EventName = "HangupNotWritten")]
    public static partial void HangupNotWritten(ILogger logger, Guid callId, TimeSpan timeout);

    [LoggerMessage(12, LogLevel.Warning, "Connection {ConnectionId} from {RemoteEndPoint} sent the id of call {CallId}, which is already connected: refused with the busy phrase.", EventName = "DuplicateCall")]
    public static partial void DuplicateCall(ILogger logger, string connectionId, EndPoint? remoteEndPoint, Guid callId);

    [LoggerMessage(17, LogLevel.Information, "Connection {ConnectionId} (a duplicate of call {CallId}) closed; that call goes on.", EventName = "DuplicateClosed")]
    public static partial void DuplicateClosed(ILogger logger, string connectionId, Guid callId);

    [LoggerMessage(18, LogLevel.Warning, "Connection {ConnectionId} from {RemoteEndPoint} broke the AudioSocket protocol before any call ({Violation}): {Reason} Hanging up.", EventName = "ConnectionViolation")]
    public static partial void ConnectionViolation(ILogger logger, string connectionId, EndPoint? remoteEndPoint, AudioSocketViolation violation, string reason);

    [LoggerMessage(19, LogLevel.Warning, "{Suppressed} more connection(s) broke the AudioSocket protocol before any call in the last {Window} (not logged one by one; counted in voicebot_connections_rejected).", EventName = "ConnectionViolationsSuppressed")]
    public static partial void ConnectionViolationsSuppressed(ILogger logger, long suppressed, TimeSpan window);

    [LoggerMessage(13, LogLevel.Information, "Call {CallId}: caller barged in over playback {PlaybackId} at inbound frame {InboundSequence}; flushed {FlushedMs} ms of bot audio.", EventName = "BargeIn")]
    public static partial void BargeIn(ILogger logger, Guid callId, int? playbackId, long inboundSequence, int flushedMs);

    [LoggerMessage(14, LogLevel.Information, "Outbound pacer: real-time scheduling on ({Detail}).", EventName = "PacerRealtime")]
    public static partial void PacerRealtime(ILogger logger, string detail);

    [LoggerMessage(15, LogLevel.Warning, "Outbound pacer: normal scheduling, real-time refused: {Detail}. Frames may come late when the machine is busy.", EventName = "PacerNotRealtime")]
    public static partial void PacerNotRealtime(ILogger logger, string detail);

    [LoggerMessage(16, LogLevel.Warning, "Outbound pacer: {LateTicks} tick(s) a frame or more late since the last report (worst {WorstMs:0} ms, {Calls} call(s) on the line); callers heard a gap. Counted in voicebot_frames_lateness_seconds.", EventName = "PacerLate")]
    public static partial void PacerLate(ILogger logger, long lateTicks, double worstMs, int calls);

    [LoggerMessage(20, LogLevel.Information, "Wire sender: frames are written by the native sender thread, queued up to {LeadMs} ms ahead ({Realtime}).", EventName = "WireSenderStarted")]
    public static partial void WireSenderStarted(ILogger logger, double leadMs, string realtime);

    [LoggerMessage(21, LogLevel.Warning, "Wire sender: not available ({Reason}); the pacer writes frames from managed code, so a garbage collection can delay them.", EventName = "WireSenderUnavailable")]
    public static partial void WireSenderUnavailable(ILogger logger, string reason);

    [LoggerMessage(22, LogLevel.Warning, "Call {CallId}: not handed to the native wire sender (errno {Error}); the pacer writes its frames from managed code.", EventName = "WireSlotRefused")]
    public static partial void WireSlotRefused(ILogger logger, Guid callId, int error);
}
