using Voicebot.Abstractions.Audio;

namespace Voicebot.Grains.Audio;

/// <summary>Sends each chunk to the local <see cref="IResampleGrain"/> stateless-worker pool.</summary>
public sealed class GrainChunkResampler(IGrainFactory grains) : IChunkResampler
{
    public Task<ResampledChunk> ResampleAsync(ResampleRequest request, CancellationToken cancellationToken = default) =>
        grains.GetGrain<IResampleGrain>(0).ResampleAsync(request);
}
