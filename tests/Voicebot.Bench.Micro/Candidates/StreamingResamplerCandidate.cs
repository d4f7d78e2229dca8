using Voicebot.Audio.Resampling;

namespace Voicebot.Bench.Micro.Candidates;

/// <summary>
/// The product's span path: one <see cref="StreamingResampler"/> per stream, no allocation per chunk.
/// <paramref name="fastPath"/> off forces the general polyphase loop.
/// </summary>
public sealed class StreamingResamplerCandidate(bool fastPath) : Candidate
{
    public override string Name => fastPath ? "StreamingResampler (decimation path)" : "StreamingResampler (general path)";

    public override int Run(ReadOnlySpan<short> input, int fromRate, int toRate, int chunkSamples, Span<short> output)
    {
        var resampler = new StreamingResampler(fromRate, toRate, fastPath);
        var written = 0;
        for (var offset = 0; offset < input.Length; offset += chunkSamples)
        {
            var length = Math.Min(chunkSamples, input.Length - offset);
            written += resampler.Process(input.Slice(offset, length), output[written..], final: offset + length == input.Length);
        }

        return written;
    }
}
