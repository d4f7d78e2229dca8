using Microsoft.Extensions.Logging;

namespace Voicebot.Providers.Espeak;

/// <summary>espeak-ng provider log events. Ids are stable: retire an id, never reuse it.</summary>
internal static partial class EspeakLog
{
    [LoggerMessage(1, LogLevel.Debug, "espeak-ng process {ProcessId} started: voice {Voice}, {Characters} characters.", EventName = "SynthesisStarted")]
    public static partial void SynthesisStarted(ILogger logger, int processId, string voice, int characters);

    [LoggerMessage(2, LogLevel.Trace, "espeak-ng process {ProcessId} text: {Text}", EventName = "SynthesisText")]
    public static partial void SynthesisText(ILogger logger, int processId, string text);

    [LoggerMessage(3, LogLevel.Debug, "espeak-ng process {ProcessId} finished: {Bytes} bytes in {Chunks} chunks at {SampleRate} Hz.", EventName = "SynthesisCompleted")]
    public static partial void SynthesisCompleted(ILogger logger, int processId, long bytes, int chunks, int sampleRate);

    [LoggerMessage(4, LogLevel.Debug, "espeak-ng process {ProcessId} killed before it finished (cancelled or abandoned).", EventName = "ProcessKilled")]
    public static partial void ProcessKilled(ILogger logger, int processId);

    [LoggerMessage(5, LogLevel.Warning, "espeak-ng failed: {Reason}", EventName = "SynthesisFailed")]
    public static partial void SynthesisFailed(ILogger logger, string reason);

    [LoggerMessage(6, LogLevel.Warning, "Could not read the espeak-ng version from {ExecutablePath}: {Reason}", EventName = "VersionUnavailable")]
    public static partial void VersionUnavailable(ILogger logger, string executablePath, string reason);

    [LoggerMessage(7, LogLevel.Warning, "Could not kill espeak-ng process {ProcessId}: {Reason}", EventName = "KillFailed")]
    public static partial void KillFailed(ILogger logger, int processId, string reason);
}
