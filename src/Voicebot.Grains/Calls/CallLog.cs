using Microsoft.Extensions.Logging;
using Voicebot.Abstractions.Calls;

namespace Voicebot.Grains.Calls;

/// <summary>Call grain log events. CallId comes first in every message; ids are stable.</summary>
internal static partial class CallLog
{
    [LoggerMessage(1001, LogLevel.Information, "Call {CallId} started at {SampleRate} Hz from {RemoteEndPoint} (flow {Flow}).", EventName = "CallStarted")]
    public static partial void Started(ILogger logger, Guid callId, int sampleRate, string? remoteEndPoint, string flow);

    [LoggerMessage(1002, LogLevel.Information, "Call {CallId}: {FromState} → {ToState}.", EventName = "StateChanged")]
    public static partial void StateChanged(ILogger logger, Guid callId, string fromState, string toState);

    [LoggerMessage(1003, LogLevel.Information, "Call {CallId} ended: {Outcome} ({Reason}) after {DurationSeconds:0.0} s.", EventName = "CallEnded")]
    public static partial void Ended(ILogger logger, Guid callId, CallOutcomeKind outcome, string reason, double durationSeconds);

    [LoggerMessage(1004, LogLevel.Debug, "Call {CallId}: caller pressed {Digit}.", EventName = "DtmfReceived")]
    public static partial void Dtmf(ILogger logger, Guid callId, char digit);

    [LoggerMessage(1005, LogLevel.Warning, "Call {CallId}: could not play phrase {PhraseKey}: {Reason}", EventName = "PhraseFailed")]
    public static partial void PhraseFailed(ILogger logger, Guid callId, string phraseKey, string reason, Exception exception);

    [LoggerMessage(1006, LogLevel.Warning, "Call {CallId}: technician check failed, treating as busy: {Reason}", EventName = "TechnicianCheckFailed")]
    public static partial void TechnicianCheckFailed(ILogger logger, Guid callId, string reason, Exception exception);

    [LoggerMessage(1007, LogLevel.Information, "Call {CallId}: recorded {Slot} ({DurationMs} ms) to {Path}.", EventName = "ClipRecorded")]
    public static partial void ClipRecorded(ILogger logger, Guid callId, string slot, int durationMs, string path);

    [LoggerMessage(1008, LogLevel.Warning, "Call {CallId}: the gateway is unreachable; ending the call: {Reason}", EventName = "SinkLost")]
    public static partial void SinkLost(ILogger logger, Guid callId, string reason, Exception exception);

    [LoggerMessage(1009, LogLevel.Information, "Call {CallId}: gateway reported {Reason}.", EventName = "GatewayHangup")]
    public static partial void GatewayHangup(ILogger logger, Guid callId, HangupReason reason);

    [LoggerMessage(1010, LogLevel.Debug, "Call {CallId}: silence timeout {Timer}.", EventName = "SilenceTimeout")]
    public static partial void SilenceTimeout(ILogger logger, Guid callId, CallTimer timer);

    [LoggerMessage(1011, LogLevel.Error, "Call {CallId}: unexpected failure: {Reason}", EventName = "CallFailed")]
    public static partial void Failed(ILogger logger, Guid callId, string reason, Exception exception);

    [LoggerMessage(1012, LogLevel.Warning, "Call {CallId}: could not write clip {Path}: {Reason}", EventName = "ClipWriteFailed")]
    public static partial void ClipWriteFailed(ILogger logger, Guid callId, string path, string reason, Exception exception);

    [LoggerMessage(1013, LogLevel.Debug, "Call {CallId}: media event {Sequence} ignored (call not started or ended).", EventName = "MediaIgnored")]
    public static partial void MediaIgnored(ILogger logger, Guid callId, long sequence);

    [LoggerMessage(1014, LogLevel.Information, "Call {CallId}: the caller barged in during {State}; the bot stopped talking.", EventName = "BargeIn")]
    public static partial void BargeIn(ILogger logger, Guid callId, string state);

    [LoggerMessage(1015, LogLevel.Warning, "Call {CallId}: speech recognition failed, switching to the keypad menus: {Reason}", EventName = "RecognizerFailed")]
    public static partial void RecognizerFailed(ILogger logger, Guid callId, string reason);

    [LoggerMessage(1016, LogLevel.Information, "Call {CallId}: speech recognition reconnected ({Detail}).", EventName = "RecognizerReconnected")]
    public static partial void RecognizerReconnected(ILogger logger, Guid callId, string detail);

    [LoggerMessage(1017, LogLevel.Warning, "Call {CallId}: the language model failed, the rules answered: {Reason}", EventName = "InterpreterFailed")]
    public static partial void InterpreterFailed(ILogger logger, Guid callId, string reason);

    [LoggerMessage(1018, LogLevel.Warning, "Call {CallId}: speech synthesis with {Engine} failed: {Reason}", EventName = "SynthesisFailed")]
    public static partial void SynthesisFailed(ILogger logger, Guid callId, string engine, string reason);

    [LoggerMessage(1019, LogLevel.Warning, "Call {CallId}: transfer through the PBX failed, hanging up for the dialplan to route: {Reason}", EventName = "TransferFailed")]
    public static partial void TransferFailed(ILogger logger, Guid callId, string reason, Exception exception);

    [LoggerMessage(1020, LogLevel.Debug, "Call {CallId}: could not tell the gateway which caller audio to publish: {Reason}", EventName = "InboundAudioNotSet")]
    public static partial void InboundAudioNotSet(ILogger logger, Guid callId, string reason);
}
