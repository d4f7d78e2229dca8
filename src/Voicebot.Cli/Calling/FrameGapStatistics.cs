namespace Voicebot.Cli.Calling;

/// <summary>Gaps between the arrivals of consecutive bot frames: how evenly the bot paces its audio.</summary>
/// <param name="Count">Number of gaps (frames − 1).</param>
/// <param name="P50">Median gap.</param>
/// <param name="P99">99th-percentile gap.</param>
/// <param name="Max">Largest gap.</param>
public sealed record FrameGapStatistics(int Count, TimeSpan P50, TimeSpan P99, TimeSpan Max)
{
    /// <summary>Computes the statistics of <paramref name="frames"/> (in arrival order).</summary>
    public static FrameGapStatistics From(IReadOnlyList<ReceivedFrame> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count < 2)
        {
            return new FrameGapStatistics(0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
        }

        var gaps = new TimeSpan[frames.Count - 1];
        for (var i = 1; i < frames.Count; i++)
        {
            gaps[i - 1] = frames[i].ArrivedAt - frames[i - 1].ArrivedAt;
        }

        Array.Sort(gaps);
        return new FrameGapStatistics(gaps.Length, Percentile(gaps, 0.50), Percentile(gaps, 0.99), gaps[^1]);
    }

    private static TimeSpan Percentile(TimeSpan[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
