namespace Voicebot.Abstractions.Audio;

/// <summary>
/// The filter memory of a streaming resampler between two chunks. Opaque to callers: pass back what the last
/// call returned. Exact integer bookkeeping, so long streams never drift.
/// </summary>
/// <param name="FromRate">Input rate, Hz.</param>
/// <param name="ToRate">Output rate, Hz.</param>
/// <param name="History">The last input samples the filter still needs.</param>
/// <param name="Position">Position of the next output sample, in units of 1/<paramref name="ToRate"/>-reduced input steps (implementation-defined).</param>
/// <param name="InputSamples">Input samples consumed so far.</param>
/// <param name="OutputSamples">Output samples produced so far.</param>
[GenerateSerializer, Immutable, Alias("voicebot.resampler-state")]
public sealed record ResamplerState(
    [property: Id(0)] int FromRate,
    [property: Id(1)] int ToRate,
    [property: Id(2)] short[] History,
    [property: Id(3)] long Position,
    [property: Id(4)] long InputSamples,
    [property: Id(5)] long OutputSamples);
