using System.Diagnostics;
using System.Globalization;

namespace Voicebot.Bench.Load;

/// <summary>
/// What the product's pacer trace (<c>AudioSocket:PacerTraceFile</c>) says about one step: how late its ticks ran
/// (p50 … p99.9, max), and for every tick later than <see cref="LateThresholdMilliseconds"/> which cause explains it.
/// </summary>
/// <remarks>
/// A tick's lateness is split between what happened from its due time to its start: a runtime suspension (GC, or
/// another reason such as the tiered compiler's clean-up) overlapping that interval, the pacer thread waiting on a run
/// queue (its schedstat delay grew), or the previous tick still running at the due time. The largest part names the
/// cause when it covers at least half the lateness; otherwise the tick is "unexplained".
/// </remarks>
internal static class PacerTraceAnalysis
{
    public const double LateThresholdMilliseconds = 10;

    public const string GcCause = "GC suspension";
    public const string OtherSuspensionCause = "other runtime suspension";
    public const string RunQueueCause = "waiting for a CPU";
    public const string OverrunCause = "previous tick overran";
    public const string PacerJitCause = "pacer thread compiling (JIT)";
    public const string UnexplainedCause = "unexplained";

    /// <summary>Reads the trace and its suspensions, keeping ticks due in [<paramref name="from"/>, <paramref name="to"/>] with at least one call.</summary>
    public static PacerStats? Analyze(string tracePath, long from, long to)
    {
        if (!File.Exists(tracePath))
        {
            return null;
        }

        var ticks = ReadTicks(tracePath, from, to);
        var suspensions = ReadSuspensions(Path.ChangeExtension(tracePath, ".suspensions.csv"), from, to);
        return Summarize(ticks, suspensions);
    }

    /// <summary>
    /// The ticks in [<paramref name="from"/>, <paramref name="to"/>] whose last frame left at least
    /// <see cref="LateThresholdMilliseconds"/> after its due time, as (due, ended): the only moments a caller's gap can
    /// be the product's writing. Empty when every frame left on time; <see langword="null"/> without a trace.
    /// </summary>
    public static IReadOnlyList<(long Begin, long End)>? ReadLateWrites(string tracePath, long from, long to)
    {
        if (!File.Exists(tracePath))
        {
            return null;
        }

        var late = (long)(LateThresholdMilliseconds * Stopwatch.Frequency / 1000);
        return [.. ReadTicks(tracePath, from, to).Where(t => t.Sessions > 0 && t.Ended - t.Due >= late).Select(t => (t.Due, t.Ended))];
    }

    internal static PacerStats Summarize(IReadOnlyList<TraceTick> ticks, IReadOnlyList<Suspension> suspensions)
    {
        var lateness = new List<double>(ticks.Count);
        var lastFrameLateness = new List<double>(ticks.Count);
        var causes = new Dictionary<string, int>(StringComparer.Ordinal);
        var worst = new List<LateTick>();
        double runQueueWaitMs = 0;
        for (var i = 0; i < ticks.Count; i++)
        {
            var tick = ticks[i];
            var late = Milliseconds(tick.Started - tick.Due);
            if (tick.Sessions > 0)
            {
                lateness.Add(Math.Max(0, late));
                lastFrameLateness.Add(Math.Max(0, Milliseconds(tick.Ended - tick.Due)));
            }

            var previous = i > 0 && ticks[i - 1].Ended <= tick.Started ? ticks[i - 1] : null;
            var wait = previous is null ? 0 : (tick.WaitNanoseconds - previous.WaitNanoseconds) / 1e6;
            runQueueWaitMs += Math.Max(0, wait);
            if (tick.Sessions == 0 || late < LateThresholdMilliseconds)
            {
                continue;
            }

            var gc = Overlap(suspensions.Where(s => s.Reason == "gc"), tick.Due, tick.Started);
            var other = Overlap(suspensions.Where(s => s.Reason != "gc"), tick.Due, tick.Started);
            var overrun = previous is null ? 0 : Math.Max(0, Milliseconds(previous.Ended - tick.Due));

            // An overrun spent compiling on the pacer's own thread (its JIT time grew during the previous tick) is the JIT's.
            var ownJit = previous is null || i < 2 ? 0 : TimeSpan.FromTicks(previous.OwnJitTicks - ticks[i - 2].OwnJitTicks).TotalMilliseconds;
            var overrunCause = ownJit >= overrun / 2 && overrun > 0 ? PacerJitCause : OverrunCause;
            (string Cause, double Ms)[] parts = [(GcCause, gc), (OtherSuspensionCause, other), (RunQueueCause, Math.Max(0, wait)), (overrunCause, overrun)];
            var largest = parts.MaxBy(p => p.Ms);
            var cause = largest.Ms >= late / 2 ? largest.Cause : UnexplainedCause;
            causes[cause] = causes.GetValueOrDefault(cause) + 1;
            worst.Add(new LateTick(late, gc, other, Math.Max(0, wait), overrun, cause));
        }

        lateness.Sort();
        lastFrameLateness.Sort();
        var gcSuspensions = suspensions.Where(s => s.Reason == "gc").Select(s => s.Milliseconds).ToList();
        var otherSuspensions = suspensions.Where(s => s.Reason != "gc").Select(s => s.Milliseconds).ToList();
        var jit = ticks.Count < 2 ? 0 : TimeSpan.FromTicks(ticks[^1].JitTicks - ticks[0].JitTicks).TotalMilliseconds;
        return new PacerStats(
            lateness.Count,
            Percentile(lateness, 0.50),
            Percentile(lateness, 0.99),
            Percentile(lateness, 0.999),
            lateness.Count == 0 ? double.NaN : lateness[^1],
            worst.Count,
            causes,
            [.. worst.OrderByDescending(w => w.LatenessMs).Take(5)],
            gcSuspensions.Count,
            gcSuspensions.Sum(),
            gcSuspensions.DefaultIfEmpty(0).Max(),
            otherSuspensions.Count,
            otherSuspensions.Sum(),
            otherSuspensions.DefaultIfEmpty(0).Max(),
            jit,
            runQueueWaitMs,
            ticks.Count == 0 ? 0 : ticks.Max(t => t.PoolPending),
            suspensions.Select(s => s.SuspendingMilliseconds).DefaultIfEmpty(0).Max(),
            suspensions.MaxBy(s => s.Milliseconds) is { } longest ? $"{longest.Reason} gen {longest.Generation} {longest.GcKind}".Trim() : "",
            Percentile(lastFrameLateness, 0.999),
            lastFrameLateness.Count == 0 ? double.NaN : lastFrameLateness[^1]);
    }

    private static List<TraceTick> ReadTicks(string path, long from, long to)
    {
        var ticks = new List<TraceTick>();
        foreach (var line in ReadLinesShared(path).Skip(1))
        {
            var f = line.Split(',');
            if (f.Length < 14)
            {
                continue;   // a row the product was still writing
            }

            var due = Long(f[0]);
            if (due < from || due > to)
            {
                continue;
            }

            ticks.Add(new TraceTick(due, Long(f[1]), Long(f[2]), (int)Long(f[3]), Long(f[8]), Long(f[10]), Long(f[13]), f.Length > 14 ? Long(f[14]) : 0));
        }

        return ticks;
    }

    private static List<Suspension> ReadSuspensions(string path, long from, long to)
    {
        var suspensions = new List<Suspension>();
        if (!File.Exists(path))
        {
            return suspensions;
        }

        foreach (var line in ReadLinesShared(path).Skip(1))
        {
            var f = line.Split(',');
            if (f.Length < 5)
            {
                continue;
            }

            var begin = Long(f[0]);
            var end = Long(f[2]);
            if (end >= from && begin <= to && end >= begin)
            {
                suspensions.Add(new Suspension(begin, Long(f[1]), end, f[3], f[4], f.Length > 6 ? $"{f[5]} {f[6]}" : ""));
            }
        }

        return suspensions;
    }

    /// <summary>The product still appends to its files: read them without locking them.</summary>
    private static IEnumerable<string> ReadLinesShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }

    private static double Overlap(IEnumerable<Suspension> suspensions, long from, long to) =>
        suspensions.Sum(s => Math.Max(0, Milliseconds(Math.Min(s.End, to) - Math.Max(s.Begin, from))));

    private static double Percentile(List<double> sorted, double quantile) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(quantile * sorted.Count) - 1)];

    private static long Long(string text) => long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static double Milliseconds(long stopwatchTicks) => stopwatchTicks * 1000.0 / Stopwatch.Frequency;
}

/// <summary>One pacer tick of the trace (Stopwatch ticks; JIT in TimeSpan ticks; wait in ns).</summary>
internal sealed record TraceTick(long Due, long Started, long Ended, int Sessions, long JitTicks, long PoolPending, long WaitNanoseconds, long OwnJitTicks = 0);

/// <summary>One runtime suspension (Stopwatch ticks) and its reason.</summary>
internal sealed record Suspension(long Begin, long Suspended, long End, string Reason, string Generation = "", string GcKind = "")
{
    public double Milliseconds => (End - Begin) * 1000.0 / Stopwatch.Frequency;

    /// <summary>Time the runtime took to stop every thread (the rest is the collection itself).</summary>
    public double SuspendingMilliseconds => (Suspended - Begin) * 1000.0 / Stopwatch.Frequency;
}

/// <summary>A late tick and what overlapped it, in ms.</summary>
public sealed record LateTick(double LatenessMs, double GcMs, double OtherSuspensionMs, double RunQueueMs, double OverrunMs, string Cause);

/// <summary>
/// The pacer's view of a step, from its trace: lateness of every tick with calls on it (its start, so the first frame it
/// writes, and its end, so the last: a suspension in the middle of a tick delays the calls written after it), late
/// ticks by cause, the runtime's suspensions (GC and other), JIT time, the pacer's run-queue wait, the thread pool's
/// deepest queue.
/// </summary>
public sealed record PacerStats(
    long Ticks,
    double LatenessP50,
    double LatenessP99,
    double LatenessP999,
    double LatenessMax,
    int LateTicks,
    IReadOnlyDictionary<string, int> LateCauses,
    IReadOnlyList<LateTick> Worst,
    int GcSuspensions,
    double GcSuspensionMs,
    double GcSuspensionMaxMs,
    int OtherSuspensions,
    double OtherSuspensionMs,
    double OtherSuspensionMaxMs,
    double JitMs,
    double RunQueueWaitMs,
    long PoolPendingMax,
    double SuspendingMaxMs = 0,
    string LongestSuspension = "",
    double LastFrameLatenessP999 = double.NaN,
    double LastFrameLatenessMax = double.NaN);
