using Voicebot.Abstractions.Audio;
using Voicebot.Audio.Resampling;

namespace Voicebot.Audio.Tests.Resampling;

/// <summary>A stream resampled chunk by chunk, the state carried from one chunk to the next, as the call path does.</summary>
internal static class ChunkedResampling
{
    /// <summary>
    /// Feeds <paramref name="input"/> in chunks of <paramref name="chunkSamples"/>(i) samples for the i-th chunk (the
    /// last cut short), the last one final; returns the concatenated output.
    /// </summary>
    public static byte[] Resample(byte[] input, int fromRate, int toRate, Func<int, int> chunkSamples, bool fastPath = true)
    {
        var result = new List<byte>();
        ResamplerState? state = null;
        var offset = 0;
        for (var i = 0; ; i++)
        {
            var length = Math.Min(2 * chunkSamples(i), input.Length - offset);
            var final = offset + length == input.Length;
            var chunk = PcmResampler.Process(input.AsSpan(offset, length), fromRate, toRate, state, final, fastPath);
            result.AddRange(chunk.Pcm);
            state = chunk.State;
            offset += length;
            if (final)
            {
                return [.. result];
            }
        }
    }
}
