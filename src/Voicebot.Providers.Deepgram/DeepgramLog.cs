using Microsoft.Extensions.Logging;
using Voicebot.Abstractions;

namespace Voicebot.Providers.Deepgram;

/// <summary>
/// Deepgram provider log events. Ids are stable: retire an id, never reuse it. The API key is never an argument;
/// transcripts and texts are logged at Trace only.
/// </summary>
internal static partial class DeepgramLog
{
    [LoggerMessage(1, LogLevel.Debug, "Call {CallId}: connecting to Deepgram {Endpoint} (model {Model}, {SampleRate} Hz).", EventName = "ListenConnecting")]
    public static partial void ListenConnecting(ILogger logger, Guid callId, string endpoint, string model, int sampleRate);

    [LoggerMessage(2, LogLevel.Debug, "Call {CallId}: Deepgram connected in {ElapsedMs} ms.", EventName = "ListenConnected")]
    public static partial void ListenConnected(ILogger logger, Guid callId, long elapsedMs);

    [LoggerMessage(3, LogLevel.Warning, "Call {CallId}: Deepgram handshake attempt {Attempt} failed ({Failure}), retrying in {DelayMs} ms: {Reason}", EventName = "ListenConnectRetry")]
    public static partial void ListenConnectRetry(ILogger logger, Guid callId, int attempt, ProviderFailure failure, long delayMs, string reason);

    [LoggerMessage(4, LogLevel.Warning, "Call {CallId}: Deepgram unavailable ({Failure}): {Reason}", EventName = "ListenUnavailable")]
    public static partial void ListenUnavailable(ILogger logger, Guid callId, ProviderFailure failure, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Call {CallId}: Deepgram connection lost ({Reason}); re-opening ({Attempt}/{MaxAttempts}).", EventName = "ListenConnectionLost")]
    public static partial void ListenConnectionLost(ILogger logger, Guid callId, string reason, int attempt, int maxAttempts);

    [LoggerMessage(6, LogLevel.Information, "Call {CallId}: Deepgram connection re-opened; {DroppedFrames} audio frames dropped so far.", EventName = "ListenReconnected")]
    public static partial void ListenReconnected(ILogger logger, Guid callId, long droppedFrames);

    [LoggerMessage(7, LogLevel.Trace, "Call {CallId}: Deepgram transcript (final {IsFinal}, speech final {SpeechFinal}, confidence {Confidence}): {Transcript}", EventName = "ListenTranscript")]
    public static partial void ListenTranscript(ILogger logger, Guid callId, bool isFinal, bool speechFinal, double confidence, string transcript);

    [LoggerMessage(8, LogLevel.Debug, "Call {CallId}: Deepgram session ended (request {RequestId}); {AudioBytes} audio bytes sent, {DroppedFrames} frames dropped.", EventName = "ListenCompleted")]
    public static partial void ListenCompleted(ILogger logger, Guid callId, string? requestId, long audioBytes, long droppedFrames);

    [LoggerMessage(9, LogLevel.Warning, "Call {CallId}: Deepgram did not close within {TimeoutMs} ms; aborting the socket.", EventName = "ListenCloseTimedOut")]
    public static partial void ListenCloseTimedOut(ILogger logger, Guid callId, long timeoutMs);

    [LoggerMessage(10, LogLevel.Debug, "Call {CallId}: ignoring Deepgram message of type {Type}.", EventName = "ListenUnknownMessage")]
    public static partial void ListenUnknownMessage(ILogger logger, Guid callId, string type);

    [LoggerMessage(11, LogLevel.Warning, "Call {CallId}: Deepgram error message: {Description}", EventName = "ListenErrorMessage")]
    public static partial void ListenErrorMessage(ILogger logger, Guid callId, string description);

    [LoggerMessage(12, LogLevel.Warning, "Call {CallId}: unreadable Deepgram message ({Reason}).", EventName = "ListenBadMessage")]
    public static partial void ListenBadMessage(ILogger logger, Guid callId, string reason);

    [LoggerMessage(13, LogLevel.Debug, "Aura synthesis started: model {Model}, {Characters} characters.", EventName = "SpeakStarted")]
    public static partial void SpeakStarted(ILogger logger, string model, int characters);

    [LoggerMessage(14, LogLevel.Trace, "Aura text: {Text}", EventName = "SpeakText")]
    public static partial void SpeakText(ILogger logger, string text);

    [LoggerMessage(15, LogLevel.Debug, "Aura synthesis finished: {Bytes} bytes in {Chunks} chunks, first byte after {FirstByteMs} ms.", EventName = "SpeakCompleted")]
    public static partial void SpeakCompleted(ILogger logger, long bytes, int chunks, long firstByteMs);

    [LoggerMessage(16, LogLevel.Warning, "Aura unavailable ({Failure}): {Reason}", EventName = "SpeakUnavailable")]
    public static partial void SpeakUnavailable(ILogger logger, ProviderFailure failure, string reason);
}
