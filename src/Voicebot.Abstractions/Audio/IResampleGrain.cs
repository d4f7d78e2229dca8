namespace Voicebot.Abstractions.Audio;

/// <summary>
/// Converts PCM between sample rates, chunk by chunk. A stateless worker pool: the caller carries the
/// <see cref="ResamplerState"/> from one chunk to the next, so a stream can be resampled as it arrives
/// on whichever activation is free.
/// </summary>
[Alias("voicebot.resample")]
public interface IResampleGrain : IGrainWithIntegerKey
{
    [Alias("resample")]
    Task<ResampledChunk> ResampleAsync(ResampleRequest request);
}

/// <summary>One chunk to resample.</summary>
/// <param name="Pcm">Signed 16-bit little-endian mono PCM at <paramref name="FromRate"/>; an even number of bytes.</param>
/// <param name="FromRate">Input rate, Hz.</param>
/// <param name="ToRate">Output rate, Hz.</param>
/// <param name="State">What the previous chunk returned; <see langword="null"/> for the first chunk of a stream.</param>
/// <param name="Final">The last chunk: also flush the samples the filter still holds back.</param>
[GenerateSerializer, Immutable, Alias("voicebot.resample-request")]
public sealed record ResampleRequest(
    [property: Id(0)] byte[] Pcm,
    [property: Id(1)] int FromRate,
    [property: Id(2)] int ToRate,
    [property: Id(3)] ResamplerState? State,
    [property: Id(4)] bool Final);

/// <summary>A resampled chunk and the state to pass with the next one.</summary>
[GenerateSerializer, Immutable, Alias("voicebot.resampled-chunk")]
public sealed record ResampledChunk(
    [property: Id(0)] byte[] Pcm,
    [property: Id(1)] ResamplerState State);
