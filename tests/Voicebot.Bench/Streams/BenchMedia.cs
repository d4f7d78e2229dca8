namespace Voicebot.Bench.Streams;

/// <summary>
/// One item on a benchmark call's stream, shaped like the product's <c>InboundMedia</c> (a fresh 320-byte frame or
/// one DTMF digit) plus what the measurement needs.
/// </summary>
/// <param name="RunId">The run that published it; the recorder ignores stragglers from earlier runs.</param>
/// <param name="Sequence">Per-call sequence number, from 0.</param>
/// <param name="PublishedTimestamp"><see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> just before <c>OnNextAsync</c>.</param>
/// <param name="Measured"><see langword="false"/> during the warm-up, whose delays are not counted.</param>
/// <param name="Audio">320 bytes: 20 ms of 8 kHz signed 16-bit PCM (audio only).</param>
/// <param name="Digit">The DTMF digit (DTMF only).</param>
[GenerateSerializer, Immutable, Alias("voicebot.bench.media")]
public sealed record BenchMedia(
    [property: Id(0)] int RunId,
    [property: Id(1)] long Sequence,
    [property: Id(2)] long PublishedTimestamp,
    [property: Id(3)] bool Measured,
    [property: Id(4)] byte[]? Audio,
    [property: Id(5)] char Digit);
