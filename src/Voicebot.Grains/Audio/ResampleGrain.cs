using Voicebot.Abstractions.Audio;

namespace Voicebot.Grains.Audio;

/// <summary>
/// Converts PCM between sample rates. Stateless: the caller carries the filter state, so each silo runs up to one
/// activation per core and any of them can take the next chunk of a stream.
/// </summary>
[StatelessWorker]
public sealed class ResampleGrain : Grain, IResampleGrain
{
    public Task<ResampledChunk> ResampleAsync(ResampleRequest request) =>
        Task.FromResult(LocalChunkResampler.Resample(request));
}
