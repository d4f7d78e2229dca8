using System.Net;
using Microsoft.Extensions.Logging;
using Voicebot.Abstractions.Calls;

namespace Voicebot.Gateway.Drain;

/// <summary>Drain log events (ids 100-119 of the gateway's range; stable, never reused). The call id comes first.</summary>
internal static partial class DrainLog
{
    [LoggerMessage(100, LogLevel.Warning, "Draining for shutdown: {ActiveCalls} calls active, new calls refused; they may go on for {Deadline}.", EventName = "DrainStarted")]
    public static partial void Started(ILogger logger, int activeCalls, TimeSpan deadline);

    [LoggerMessage(101, LogLevel.Information, "AudioSocket listener {EndPoint} closed: new connections are refused.", EventName = "DrainListenerClosed")]
    public static partial void ListenerClosed(ILogger logger, EndPoint endPoint);

    [LoggerMessage(102, LogLevel.Information, "Call {CallId} refused: the gateway is draining. Hung up at once so Asterisk can route it elsewhere.", EventName = "DrainCallRefused")]
    public static partial void CallRefused(ILogger logger, Guid callId);

    [LoggerMessage(103, LogLevel.Information, "Call {CallId} ended during the drain ({Reason}); {ActiveCalls} calls left.", EventName = "DrainCallEnded")]
    public static partial void CallEnded(ILogger logger, Guid callId, string reason, int activeCalls);

    [LoggerMessage(104, LogLevel.Warning, "Drain deadline {Deadline} reached with {ActiveCalls} calls active: saying goodbye.", EventName = "DrainDeadlineReached")]
    public static partial void DeadlineReached(ILogger logger, TimeSpan deadline, int activeCalls);

    [LoggerMessage(105, LogLevel.Information, "Call {CallId}: playing the shutdown goodbye, then hanging up.", EventName = "DrainCallGoodbye")]
    public static partial void CallGoodbye(ILogger logger, Guid callId);

    [LoggerMessage(106, LogLevel.Warning, "Call {CallId}: shutdown phrase {PhraseKey} unavailable; hanging up without it.", EventName = "DrainGoodbyeUnavailable")]
    public static partial void GoodbyeUnavailable(ILogger logger, Guid callId, string phraseKey, Exception exception);

    [LoggerMessage(107, LogLevel.Warning, "Call {CallId} still connected {Timeout} after its goodbye: cutting the connection.", EventName = "DrainCallCut")]
    public static partial void CallCut(ILogger logger, Guid callId, TimeSpan timeout);

    [LoggerMessage(108, LogLevel.Warning, "Drain finished in {ElapsedMs} ms: {EndedOnTheirOwn} calls ended on their own, {SaidGoodbye} heard the goodbye.", EventName = "DrainFinished")]
    public static partial void Finished(ILogger logger, long elapsedMs, int endedOnTheirOwn, int saidGoodbye);

    [LoggerMessage(109, LogLevel.Error, "Drain: flushing the call records failed; records not yet written stay queued on disk.", EventName = "DrainRecordFlushFailed")]
    public static partial void RecordFlushFailed(ILogger logger, Exception exception);

    [LoggerMessage(110, LogLevel.Error, "Drain cut short by the host's shutdown timeout with {ActiveCalls} calls active.", EventName = "DrainCutShort")]
    public static partial void CutShort(ILogger logger, int activeCalls);

    [LoggerMessage(112, LogLevel.Information, "Drain: every call has ended; waiting for {Pending} call-end reports to reach the control plane.", EventName = "DrainAwaitingReports")]
    public static partial void AwaitingReports(ILogger logger, int pending);

    [LoggerMessage(111, LogLevel.Warning, "Drain: {Pending} call-end reports still pending after {Timeout}; going on.", EventName = "DrainReportsPending")]
    public static partial void ReportsPending(ILogger logger, int pending, TimeSpan timeout);

    /// <summary>The reason word used in <see cref="CallEnded"/>.</summary>
    public static string ReasonWord(HangupReason? reason) => reason?.ToString() ?? "BotHungUp";
}
