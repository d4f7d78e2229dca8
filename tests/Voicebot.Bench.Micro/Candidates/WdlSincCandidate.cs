using NAudio.Dsp;

namespace Voicebot.Bench.Micro.Candidates;

/// <summary>
/// NAudio's <see cref="WdlResampler"/> in its windowed-sinc mode (64 taps, 32× interpolated table: WDL's defaults),
/// fed input-driven chunk by chunk. Not what <see cref="NAudio.Wave.SampleProviders.WdlResamplingSampleProvider"/>
/// uses, but WDL's best quality, for a fair comparison.
/// </summary>
public sealed class WdlSincCandidate : Candidate
{
    private const int SincSize = 64;
    private float[] _floats = [];

    public override string Name => "NAudio WdlResampler (sinc 64)";

    public override int Run(ReadOnlySpan<short> input, int fromRate, int toRate, int chunkSamples, Span<short> output)
    {
        var resampler = new WdlResampler();
        resampler.SetMode(true, 0, true, SincSize);
        resampler.SetFeedMode(true);
        resampler.SetRates(fromRate, toRate);
        if (_floats.Length < output.Length)
        {
            _floats = new float[output.Length];
        }

        var written = 0;
        for (var offset = 0; offset < input.Length; offset += chunkSamples)
        {
            var length = Math.Min(chunkSamples, input.Length - offset);
            var wanted = resampler.ResamplePrepare(length, 1, out var inBuffer);
            FloatPcm.ToFloat(input.Slice(offset, wanted), inBuffer);
            written += resampler.ResampleOut(_floats.AsSpan(written), wanted, output.Length - written, 1);
        }

        // An input-driven prepare with fewer samples than announced makes WDL pad with silence and flush its delay line.
        resampler.ResamplePrepare(SincSize, 1, out _);
        written += resampler.ResampleOut(_floats.AsSpan(written), 0, output.Length - written, 1);
        FloatPcm.ToPcm(_floats.AsSpan(0, written), output);
        return written;
    }
}
