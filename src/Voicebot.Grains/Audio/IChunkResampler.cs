using Voicebot.Abstractions.Audio;

namespace Voicebot.Grains.Audio;

/// <summary>Resamples a stream chunk by chunk. In a silo it goes through the <see cref="ResampleGrain"/> pool; elsewhere it runs in place.</summary>
public interface IChunkResampler
{
    Task<ResampledChunk> ResampleAsync(ResampleRequest request, CancellationToken cancellationToken = default);
}
