using System.Runtime.InteropServices;
using Voicebot.Audio.Resampling;

namespace Voicebot.Bench.Micro.Candidates;

/// <summary>
/// The product's grain path: <see cref="PcmResampler.Process(ReadOnlySpan{byte}, int, int, Abstractions.Audio.ResamplerState?, bool)"/>,
/// bytes in, a new byte array and state out per chunk. <paramref name="fastPath"/> off forces the general polyphase loop.
/// </summary>
public sealed class PcmResamplerCandidate(bool fastPath) : Candidate
{
    public override string Name => fastPath ? "PcmResampler (decimation path)" : "PcmResampler (general path)";

    public override int Run(ReadOnlySpan<short> input, int fromRate, int toRate, int chunkSamples, Span<short> output)
    {
        var bytes = MemoryMarshal.AsBytes(input);
        Abstractions.Audio.ResamplerState? state = null;
        var written = 0;
        for (var offset = 0; offset < input.Length; offset += chunkSamples)
        {
            var length = Math.Min(chunkSamples, input.Length - offset);
            var chunk = PcmResampler.Process(bytes.Slice(2 * offset, 2 * length), fromRate, toRate, state, final: offset + length == input.Length, fastPath);
            MemoryMarshal.Cast<byte, short>(chunk.Pcm).CopyTo(output[written..]);
            written += chunk.Pcm.Length / 2;
            state = chunk.State;
        }

        return written;
    }
}
