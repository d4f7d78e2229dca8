using NAudio.Wave.SampleProviders;

namespace Voicebot.Bench.Micro.Candidates;

/// <summary>
/// NAudio's <see cref="WdlResamplingSampleProvider"/> as shipped (WDL in linear-interpolation mode with two cascaded
/// biquad low-passes), pulled chunk by chunk.
/// </summary>
/// <remarks>
/// The provider pulls its input, and takes a short read as the end of the stream (it pads with zeros). So after each
/// pushed chunk this asks only for the outputs the queued input surely covers (its request is ratio·n + 4 samples),
/// and drains the tail once the last chunk is in.
/// </remarks>
public sealed class WdlProviderCandidate : Candidate
{
    private float[] _floats = [];

    public override string Name => "NAudio WdlResamplingSampleProvider";

    public override int Run(ReadOnlySpan<short> input, int fromRate, int toRate, int chunkSamples, Span<short> output)
    {
        var source = new QueueSampleProvider(fromRate, Math.Max(2 * chunkSamples, 1024));
        var resampler = new WdlResamplingSampleProvider(source, toRate);
        var ratio = (double)fromRate / toRate;
        if (_floats.Length < output.Length)
        {
            _floats = new float[output.Length];
        }

        var written = 0;
        for (var offset = 0; offset < input.Length; offset += chunkSamples)
        {
            var length = Math.Min(chunkSamples, input.Length - offset);
            source.Push(input.Slice(offset, length));
            var final = offset + length == input.Length;
            while (true)
            {
                var wanted = final ? output.Length - written : (int)((source.Queued - 4) / ratio);
                if (wanted <= 0)
                {
                    break;
                }

                var read = resampler.Read(_floats.AsSpan(written, wanted));
                written += read;
                if (!final || read == 0)
                {
                    break;
                }
            }
        }

        FloatPcm.ToPcm(_floats.AsSpan(0, written), output);
        return written;
    }
}
