using Voicebot.Abstractions.Calls;

namespace Voicebot.Abstractions.Records;

/// <summary>
/// Everything kept about one finished call: who, when, how it ended, what was collected, every turn with its
/// timings, the provider errors seen and where the recording is. Built by the call grain, completed by the gateway
/// (recording path, first frame on the wire), stored by an <see cref="ICallRecordSink"/>.
/// </summary>
/// <param name="CallId">The AudioSocket UUID.</param>
/// <param name="Silo">The silo that held the call.</param>
/// <param name="RemoteEndPoint">The Asterisk side of the socket.</param>
/// <param name="CallerNumber">The number the caller gave (AudioSocket carries no caller id), when collected.</param>
/// <param name="StartedAt">When the connection was accepted.</param>
/// <param name="EndedAt">When the call ended.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="EndReason">The machine-readable reason, as in <see cref="CallOutcome.EndReason"/>.</param>
/// <param name="Slots">What the bot collected.</param>
/// <param name="VisitedStates">Flow states in the order they were entered.</param>
/// <param name="History">The conversation, both speakers.</param>
/// <param name="Turns">One entry per caller input and the bot's answer to it, with timings.</param>
/// <param name="ProviderErrors">Speech and language provider failures during the call.</param>
/// <param name="RecordingPath">The stereo WAV of the call, when recording is on.</param>
[GenerateSerializer, Immutable, Alias("voicebot.call-record")]
public sealed record CallRecord(
    [property: Id(0)] Guid CallId,
    [property: Id(1)] string? Silo,
    [property: Id(2)] string? RemoteEndPoint,
    [property: Id(3)] string? CallerNumber,
    [property: Id(4)] DateTimeOffset StartedAt,
    [property: Id(5)] DateTimeOffset EndedAt,
    [property: Id(6)] CallOutcomeKind Outcome,
    [property: Id(7)] string EndReason,
    [property: Id(8)] IReadOnlyDictionary<string, string> Slots,
    [property: Id(9)] IReadOnlyList<string> VisitedStates,
    [property: Id(10)] IReadOnlyList<ConversationTurn> History,
    [property: Id(11)] IReadOnlyList<TurnTiming> Turns,
    [property: Id(12)] IReadOnlyList<ProviderError> ProviderErrors,
    [property: Id(13)] string? RecordingPath);

/// <summary>
/// One caller input and the bot's answer. Every offset is measured from <see cref="InputAt"/>, the end of the
/// caller's input (end of speech as heard by the voice detector, or the key press); <see langword="null"/> when the
/// stage did not take part (no language model for a key press, no synthesis for a cached phrase).
/// </summary>
/// <param name="Turn">1, 2, … in call order.</param>
/// <param name="State">The flow state that received the input.</param>
/// <param name="Input"><c>speech</c>, <c>dtmf</c> or <c>silence</c>.</param>
/// <param name="CallerText">The transcript or the digits.</param>
/// <param name="InputAt">The end of the caller's input.</param>
/// <param name="SttFinal">When the recognizer's final transcript arrived.</param>
/// <param name="LlmFirstToken">When the language model's first token arrived.</param>
/// <param name="TtsFirstByte">When the first synthesized audio of the answer arrived.</param>
/// <param name="FirstFrameOut">When the first frame of the answer went out on the wire (filled in by the gateway).</param>
/// <param name="PlaybackId">The playback item that started the answer, to match the gateway's timing.</param>
/// <param name="Reply">The answer: phrase keys or text.</param>
/// <param name="Answered">When the bot chose its answer (after the recognizer and the language model): the end of the
/// providers' share of the turn, except synthesis.</param>
[GenerateSerializer, Immutable, Alias("voicebot.turn-timing")]
public sealed record TurnTiming(
    [property: Id(0)] int Turn,
    [property: Id(1)] string State,
    [property: Id(2)] string Input,
    [property: Id(3)] string? CallerText,
    [property: Id(4)] DateTimeOffset InputAt,
    [property: Id(5)] TimeSpan? SttFinal,
    [property: Id(6)] TimeSpan? LlmFirstToken,
    [property: Id(7)] TimeSpan? TtsFirstByte,
    [property: Id(8)] TimeSpan? FirstFrameOut,
    [property: Id(9)] int? PlaybackId,
    [property: Id(10)] string? Reply,
    [property: Id(11)] TimeSpan? Answered = null);

/// <summary>A provider failure seen by a call.</summary>
/// <param name="At">When.</param>
/// <param name="Provider"><c>recognizer</c>, <c>interpreter</c> or <c>synthesizer</c>.</param>
/// <param name="Kind">A short machine-readable kind: <c>unreachable</c>, <c>timeout</c>, <c>refused</c>, <c>protocol</c>…</param>
/// <param name="Message">What went wrong, for people.</param>
[GenerateSerializer, Immutable, Alias("voicebot.provider-error")]
public sealed record ProviderError(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Provider,
    [property: Id(2)] string Kind,
    [property: Id(3)] string Message);
