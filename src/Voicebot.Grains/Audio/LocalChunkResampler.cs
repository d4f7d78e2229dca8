using Voicebot.Abstractions.Audio;
using Voicebot.Audio.Resampling;

namespace Voicebot.Grains.Audio;

/// <summary>Resamples in the calling thread (used outside a silo, e.g. by <c>voicebot cache</c>).</summary>
public sealed class LocalChunkResampler : IChunkResampler
{
    public Task<ResampledChunk> ResampleAsync(ResampleRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult(Resample(request));

    internal static ResampledChunk Resample(ResampleRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return PcmResampler.Process(request.Pcm, request.FromRate, request.ToRate, request.State, request.Final);
    }
}
