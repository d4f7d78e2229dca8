using System.Collections.Concurrent;
using System.Numerics;

namespace Voicebot.Audio.Resampling;

/// <summary>
/// The polyphase low-pass filter for one rational ratio: a Kaiser-windowed sinc, one row of taps per output phase.
/// Built once per reduced ratio and cached; immutable and thread-safe.
/// </summary>
/// <remarks>
/// Output sample <c>n</c> sits at input time <c>n·L/M</c> (L = <see cref="InputStep"/>, M = <see cref="Phases"/>, the rates
/// divided by their gcd). Time is kept as an integer count of 1/M input samples, so long streams never drift.
/// The pass band ends at 85 % of the lower Nyquist frequency (3.4 kHz at 8 kHz) and the stop band starts at the lower
/// Nyquist frequency itself (4 kHz at 8 kHz), with at least <see cref="StopbandAttenuationDb"/> dB of rejection.
/// <para>
/// An integer decimation (24 → 8 kHz is 3:1, 16 → 8 kHz is 2:1, 48 → 8 kHz is 6:1) reduces to a single phase, so this
/// loop already computes it exactly, but one output at a time. Those ratios run on <see cref="DecimatingFilter"/>
/// instead: the same taps and the same bookkeeping (a state carries over from one path to the other), two to three
/// times faster (tests/Voicebot.Bench.Micro). Its samples may differ from this loop's by one step of rounding.
/// </para>
/// </remarks>
public sealed class ResamplerKernel
{
    /// <summary>Designed stop-band rejection, dB.</summary>
    public const double StopbandAttenuationDb = 80;

    /// <summary>End of the pass band, as a fraction of the lower Nyquist frequency.</summary>
    public const double PassbandEdge = 0.85;

    /// <summary>Start of the stop band, as a fraction of the lower Nyquist frequency.</summary>
    public const double StopbandEdge = 1.0;

    /// <summary>Largest supported ratio between the two rates, either way.</summary>
    public const int MaxRatio = 64;

    // Above this many phases the table is quantized to MaxTablePhases rows (timing error below 1/4096 sample, about
    // -70 dB at the band edge); the integer bookkeeping stays exact, so there is still no drift.
    private const int MaxTablePhases = 4096;

    private static readonly ConcurrentDictionary<(int Step, int Phases), ResamplerKernel> Cache = new();

    private readonly float[] _taps;
    private readonly int _tableRows;
    private readonly bool _quantized;
    private readonly DecimatingFilter? _decimation;

    private ResamplerKernel(int step, int phases)
    {
        InputStep = step;
        Phases = phases;

        // Normalized to the input rate (cycles per input sample). The lower Nyquist is 0.5·min(1, M/L).
        var lowerNyquist = 0.5 * Math.Min(1.0, (double)phases / step);
        var cutoff = lowerNyquist * (PassbandEdge + StopbandEdge) / 2;
        var transition = lowerNyquist * (StopbandEdge - PassbandEdge);

        // Kaiser's design formulas (Oppenheim & Schafer, 7.6): beta from the attenuation, length from the transition width.
        var beta = 0.1102 * (StopbandAttenuationDb - 8.7);
        var length = (StopbandAttenuationDb - 8) / (2.285 * 2 * Math.PI * transition);
        HalfLength = Math.Max(2, (int)Math.Ceiling(length / 2));
        TapsPerPhase = 2 * HalfLength;
        CutoffFraction = cutoff / lowerNyquist;

        _quantized = phases > MaxTablePhases;
        _tableRows = _quantized ? MaxTablePhases + 1 : phases;
        var rowDenominator = _quantized ? MaxTablePhases : phases;
        _taps = new float[_tableRows * TapsPerPhase];

        var i0Beta = BesselI0(beta);
        for (var row = 0; row < _tableRows; row++)
        {
            var fraction = (double)row / rowDenominator;
            var taps = _taps.AsSpan(row * TapsPerPhase, TapsPerPhase);
            var sum = 0.0;
            for (var j = 0; j < TapsPerPhase; j++)
            {
                // Tap j multiplies input sample (i - H + 1 + j) for an output at time i + fraction.
                var t = fraction + HalfLength - 1 - j;
                var ratio = t / HalfLength;
                var window = Math.Abs(ratio) >= 1 ? 0 : BesselI0(beta * Math.Sqrt(1 - (ratio * ratio))) / i0Beta;
                var value = 2 * cutoff * Sinc(2 * cutoff * t) * window;
                taps[j] = (float)value;
                sum += value;
            }

            // Unit DC gain on every phase, so a constant input gives a constant output (no phase-dependent ripple).
            var scale = (float)(1 / sum);
            for (var j = 0; j < TapsPerPhase; j++)
            {
                taps[j] *= scale;
            }
        }

        // Without SIMD hardware the vector code would be emulated lane by lane: slower than the loop below.
        if (phases == 1 && step > 1 && Vector.IsHardwareAccelerated)
        {
            // The last tap sits on the window's edge and is 0: the span is 2H - 1 samples centred on the output.
            _decimation = new DecimatingFilter(_taps.AsSpan(0, TapsPerPhase - 1), step);
        }
    }

    /// <summary>Input samples between two output samples, in units of 1/<see cref="Phases"/> (the reduced input rate).</summary>
    public int InputStep { get; }

    /// <summary>Number of filter phases (the reduced output rate).</summary>
    public int Phases { get; }

    /// <summary>Half the filter span, in input samples.</summary>
    public int HalfLength { get; }

    /// <summary>Taps per output sample (twice <see cref="HalfLength"/>).</summary>
    public int TapsPerPhase { get; }

    /// <summary>The -6 dB point, as a fraction of the lower Nyquist frequency.</summary>
    public double CutoffFraction { get; }

    /// <summary>Whether the ratio is an integer decimation, computed by the faster <see cref="DecimatingFilter"/>.</summary>
    public bool IsIntegerDecimation => _decimation is not null;

    /// <summary>The cached kernel for converting <paramref name="fromRate"/> to <paramref name="toRate"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate is not positive, or the ratio exceeds <see cref="MaxRatio"/>.</exception>
    public static ResamplerKernel Get(int fromRate, int toRate)
    {
        var (step, phases) = Reduce(fromRate, toRate);
        return Cache.GetOrAdd((step, phases), static key => new ResamplerKernel(key.Step, key.Phases));
    }

    /// <summary>The ratio <paramref name="fromRate"/>:<paramref name="toRate"/> divided by its gcd.</summary>
    public static (int InputStep, int Phases) Reduce(int fromRate, int toRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fromRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toRate);
        if (fromRate > (long)toRate * MaxRatio || toRate > (long)fromRate * MaxRatio)
        {
            throw new ArgumentOutOfRangeException(
                nameof(toRate), $"Cannot resample {fromRate} Hz to {toRate} Hz: the ratio exceeds {MaxRatio}.");
        }

        var gcd = (int)BigInteger.GreatestCommonDivisor(fromRate, toRate);
        return (fromRate / gcd, toRate / gcd);
    }

    /// <summary>The position (in 1/<see cref="Phases"/> input samples, from the start of the history) of the first output of a stream.</summary>
    internal long InitialPosition => (long)(HalfLength - 1) * Phases;

    /// <summary>Zero samples placed before a stream so that the first output is centred on its first input sample.</summary>
    internal int InitialHistoryLength => HalfLength - 1;

    /// <summary>How many outputs <see cref="Run"/> produces for a buffer of <paramref name="end"/> samples.</summary>
    internal long CountOutputs(long position, long end, bool final)
    {
        var limit = (final ? end : end - HalfLength) * Phases;
        return position >= limit ? 0 : (limit - position + InputStep - 1) / InputStep;
    }

    /// <summary>
    /// Filters <paramref name="buffer"/>[0..<paramref name="end"/>) (history then new input) from <paramref name="position"/>.
    /// When <paramref name="final"/>, <paramref name="buffer"/> holds <see cref="HalfLength"/> zeros after <paramref name="end"/>.
    /// <paramref name="fastPath"/> off runs an integer decimation on the general polyphase loop too (to compare the two).
    /// </summary>
    internal int Run(ReadOnlySpan<float> buffer, int end, ref long position, bool final, Span<short> output, bool fastPath = true)
    {
        if (fastPath && _decimation is not null)
        {
            // One phase: positions count whole input samples, and output n filters from position + n·M - H + 1.
            var outputs = (int)CountOutputs(position, end, final);
            if (outputs == 0)
            {
                return 0;
            }

            _decimation.Run(buffer[(int)(position - HalfLength + 1)..end], output[..outputs]);
            position += (long)outputs * InputStep;
            return outputs;
        }

        var limit = (long)(final ? end : end - HalfLength) * Phases;
        var count = 0;
        while (position < limit)
        {
            var index = (int)(position / Phases);
            var phase = (int)(position - ((long)index * Phases));
            var row = _quantized ? (int)((((long)phase * MaxTablePhases) + (Phases / 2)) / Phases) : phase;
            var sum = Dot(buffer.Slice(index - HalfLength + 1, TapsPerPhase), _taps.AsSpan(row * TapsPerPhase, TapsPerPhase));
            output[count++] = PcmConversion.ToPcm16(sum);
            position += InputStep;
        }

        return count;
    }

    /// <summary>Index of the first buffered sample that a later output still needs, given the next output position.</summary>
    internal int FirstNeeded(long position, int end) =>
        (int)Math.Clamp((position / Phases) - HalfLength + 1, 0, end);

    private static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> h)
    {
        // Same summation order whatever the chunking, so chunked and whole-stream results are bit-identical.
        var j = 0;
        var sum = 0f;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            for (; j <= x.Length - Vector<float>.Count; j += Vector<float>.Count)
            {
                acc += new Vector<float>(x[j..]) * new Vector<float>(h[j..]);
            }

            sum = Vector.Sum(acc);
        }

        for (; j < x.Length; j++)
        {
            sum += x[j] * h[j];
        }

        return sum;
    }

    private static double Sinc(double x) => x == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);

    private static double BesselI0(double x)
    {
        // Power series; converges quickly for the beta values used here (< 12).
        var sum = 1.0;
        var term = 1.0;
        var half = x / 2;
        for (var k = 1; k < 200; k++)
        {
            term *= half / k;
            var squared = term * term;
            sum += squared;
            if (squared < sum * 1e-17)
            {
                break;
            }
        }

        return sum;
    }
}
