using Microsoft.Extensions.Logging;
using Voicebot.Abstractions;

namespace Voicebot.Providers.OpenAI;

/// <summary>
/// OpenAI provider log events (language model 1–19, speech 20–39). Ids are stable: retire an id, never reuse it.
/// <c>CallId</c> comes first on call-path events; transcripts, prompts and tool arguments only at Trace; keys never.
/// </summary>
internal static partial class OpenAILog
{
    [LoggerMessage(1, LogLevel.Debug, "Call {CallId}: asking {Model} about state {State} ({Characters} characters).", EventName = "LlmRequest")]
    public static partial void LlmRequest(ILogger logger, Guid callId, string model, string state, int characters);

    [LoggerMessage(2, LogLevel.Trace, "Call {CallId}: system prompt {SystemPrompt}; transcript {Transcript}", EventName = "LlmPrompt")]
    public static partial void LlmPrompt(ILogger logger, Guid callId, string systemPrompt, string transcript);

    [LoggerMessage(3, LogLevel.Debug, "Call {CallId}: first update after {ElapsedMs:0} ms.", EventName = "LlmFirstUpdate")]
    public static partial void LlmFirstUpdate(ILogger logger, Guid callId, double elapsedMs);

    [LoggerMessage(4, LogLevel.Debug, "Call {CallId}: tool {Tool} called.", EventName = "LlmToolCall")]
    public static partial void LlmToolCall(ILogger logger, Guid callId, string tool);

    [LoggerMessage(5, LogLevel.Trace, "Call {CallId}: tool {Tool} arguments {Arguments}", EventName = "LlmToolArguments")]
    public static partial void LlmToolArguments(ILogger logger, Guid callId, string tool, string arguments);

    [LoggerMessage(6, LogLevel.Warning, "Call {CallId}: ignored tool call {Tool}: {Reason}", EventName = "LlmToolIgnored")]
    public static partial void LlmToolIgnored(ILogger logger, Guid callId, string tool, string reason);

    [LoggerMessage(7, LogLevel.Debug, "Call {CallId}: state {State} understood as [{Intents}] (phone {HasPhone}, name {HasName}) in {ElapsedMs:0} ms.", EventName = "LlmInterpreted")]
    public static partial void LlmInterpreted(ILogger logger, Guid callId, string state, string intents, bool hasPhone, bool hasName, double elapsedMs);

    [LoggerMessage(8, LogLevel.Warning, "Call {CallId}: language model unavailable in state {State} ({Failure}): {Reason}", EventName = "LlmUnavailable")]
    public static partial void LlmUnavailable(ILogger logger, Guid callId, string state, ProviderFailure failure, string reason);

    [LoggerMessage(9, LogLevel.Debug, "Loaded the system prompt {Path}.", EventName = "LlmPromptLoaded")]
    public static partial void LlmPromptLoaded(ILogger logger, string path);

    [LoggerMessage(20, LogLevel.Debug, "OpenAI TTS: {Model}/{Voice}, {Characters} characters.", EventName = "TtsRequest")]
    public static partial void TtsRequest(ILogger logger, string model, string voice, int characters);

    [LoggerMessage(21, LogLevel.Trace, "OpenAI TTS text: {Text}", EventName = "TtsText")]
    public static partial void TtsText(ILogger logger, string text);

    [LoggerMessage(22, LogLevel.Debug, "OpenAI TTS: first audio after {ElapsedMs:0} ms.", EventName = "TtsFirstChunk")]
    public static partial void TtsFirstChunk(ILogger logger, double elapsedMs);

    [LoggerMessage(23, LogLevel.Debug, "OpenAI TTS: {Bytes} bytes in {Chunks} chunks at {SampleRate} Hz.", EventName = "TtsCompleted")]
    public static partial void TtsCompleted(ILogger logger, long bytes, int chunks, int sampleRate);

    [LoggerMessage(24, LogLevel.Information, "OpenAI TTS: attempt {Attempt} failed before any audio, retrying: {Reason}", EventName = "TtsRetry")]
    public static partial void TtsRetry(ILogger logger, int attempt, string reason);

    [LoggerMessage(25, LogLevel.Warning, "OpenAI TTS unavailable ({Failure}): {Reason}", EventName = "TtsUnavailable")]
    public static partial void TtsUnavailable(ILogger logger, ProviderFailure failure, string reason);

    [LoggerMessage(26, LogLevel.Warning, "OpenAI TTS has no API key (OpenAITts__ApiKey or OPENAI_API_KEY): every synthesis will fail over.", EventName = "TtsMissingApiKey")]
    public static partial void TtsMissingApiKey(ILogger logger);
}
