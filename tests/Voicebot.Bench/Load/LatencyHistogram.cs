namespace Voicebot.Bench.Load;

/// <summary>
/// A fixed-bin histogram of durations: 0.1 ms bins up to 200 ms, 1 ms bins up to 5 s, one overflow bin; the maximum is
/// kept exactly. Recording never allocates. Not thread-safe: one writer, read after it has stopped.
/// </summary>
public sealed class LatencyHistogram
{
    private const double FineStepMs = 0.1;
    private const double FineLimitMs = 200;
    private const double CoarseLimitMs = 5000;
    private const int FineBins = (int)(FineLimitMs / FineStepMs);
    private const int CoarseBins = (int)(CoarseLimitMs - FineLimitMs);

    private readonly long[] _bins = new long[FineBins + CoarseBins + 1];

    public long Count { get; private set; }

    public double MaxMs { get; private set; }

    public void Record(double milliseconds)
    {
        var ms = Math.Max(0, milliseconds);
        var bin = ms < FineLimitMs ? (int)(ms / FineStepMs)
            : ms < CoarseLimitMs ? FineBins + (int)(ms - FineLimitMs)
            : _bins.Length - 1;
        _bins[bin]++;
        Count++;
        if (ms > MaxMs)
        {
            MaxMs = ms;
        }
    }

    /// <summary>Samples strictly above <paramref name="milliseconds"/> (to the bin's resolution).</summary>
    public long CountAbove(double milliseconds)
    {
        long above = 0;
        for (var bin = _bins.Length - 1; bin >= 0 && LowerBound(bin) >= milliseconds; bin--)
        {
            above += _bins[bin];
        }

        return above;
    }

    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < _bins.Length; i++)
        {
            _bins[i] += other._bins[i];
        }

        Count += other.Count;
        MaxMs = Math.Max(MaxMs, other.MaxMs);
    }

    /// <summary>The value below which <paramref name="quantile"/> of the samples fall (upper edge of the bin, capped at the maximum).</summary>
    public double Quantile(double quantile)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        var rank = (long)Math.Ceiling(quantile * Count);
        long seen = 0;
        for (var bin = 0; bin < _bins.Length; bin++)
        {
            seen += _bins[bin];
            if (seen >= Math.Max(1, rank))
            {
                return Math.Min(UpperBound(bin), MaxMs);
            }
        }

        return MaxMs;
    }

    public Percentiles Summary() => Count == 0 ? Percentiles.Empty : new(Count, Quantile(0.50), Quantile(0.99), MaxMs);

    private static double LowerBound(int bin) => bin < FineBins ? bin * FineStepMs : FineLimitMs + (bin - FineBins);

    private static double UpperBound(int bin) => bin < FineBins ? (bin + 1) * FineStepMs : bin < FineBins + CoarseBins ? FineLimitMs + (bin - FineBins + 1) : double.PositiveInfinity;
}

/// <summary>Exact percentiles of a small sample (turns, barge-ins).</summary>
public static class SampleStatistics
{
    public static Percentiles Summarize(IReadOnlyCollection<double> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            return Percentiles.Empty;
        }

        var sorted = samples.Order().ToArray();
        return new(sorted.Length, Rank(sorted, 0.50), Rank(sorted, 0.99), sorted[^1]);
    }

    private static double Rank(double[] sorted, double quantile) => sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
}
