using System.Diagnostics;
using Voicebot.Bench.Load;

namespace Voicebot.Bench.Tests.Load;

public sealed class PacerTraceAnalysisTests
{
    private static readonly long Ms = Stopwatch.Frequency / 1000;

    [Fact]
    public void Summarize_LateTicks_EachNamedByWhatCoversMostOfItsLateness()
    {
        TraceTick[] ticks =
        [
            Tick(due: 0, late: 0),
            Tick(due: 20, late: 30),                       // a 25 ms GC suspension began at its due time
            Tick(due: 40, late: 15, waitNs: 14_000_000),   // waited 14 ms on a run queue
            Tick(due: 60, late: 12),                       // the tick before was still running (below)
            Tick(due: 80, late: 20),                       // nothing seen
            Tick(due: 100, late: 1),
        ];
        ticks[3] = ticks[3] with { WaitNanoseconds = ticks[2].WaitNanoseconds };
        ticks[2] = ticks[2] with { Ended = 71 * Ms };   // the overrun of the tick due at 60 ms
        Suspension[] suspensions = [new(20 * Ms, 20 * Ms, 45 * Ms, "gc", "1", "alloc-small blocking")];

        var stats = PacerTraceAnalysis.Summarize(ticks, suspensions);

        Assert.Equal(6, stats.Ticks);
        Assert.Equal(4, stats.LateTicks);
        Assert.Equal(1, stats.LateCauses[PacerTraceAnalysis.GcCause]);
        Assert.Equal(1, stats.LateCauses[PacerTraceAnalysis.RunQueueCause]);
        Assert.Equal(1, stats.LateCauses[PacerTraceAnalysis.OverrunCause]);
        Assert.Equal(1, stats.LateCauses[PacerTraceAnalysis.UnexplainedCause]);
        Assert.Equal(30, stats.LatenessMax, precision: 3);
        Assert.Equal(31, stats.LastFrameLatenessMax, precision: 3);   // the tick due at 40 ms ended at 71 ms
        Assert.Equal(30, stats.Worst[0].LatenessMs, precision: 3);
        Assert.Equal(1, stats.GcSuspensions);
        Assert.Equal(25, stats.GcSuspensionMaxMs, precision: 3);
        Assert.Equal("gc gen 1 alloc-small blocking", stats.LongestSuspension);
    }

    [Fact]
    public void Summarize_TicksWithoutCalls_AreNotCountedLate()
    {
        TraceTick[] ticks = [Tick(due: 0, late: 50, sessions: 0), Tick(due: 20, late: 0)];

        var stats = PacerTraceAnalysis.Summarize(ticks, []);

        Assert.Equal(1, stats.Ticks);
        Assert.Equal(0, stats.LateTicks);
        Assert.Equal(0, stats.LatenessMax, precision: 3);
    }

    [Fact]
    public void Analyze_NoTraceFile_ReturnsNull() =>
        Assert.Null(PacerTraceAnalysis.Analyze(Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".csv"), 0, long.MaxValue));

    private static TraceTick Tick(long due, long late, long waitNs = 0, int sessions = 1) =>
        new(due * Ms, (due + late) * Ms, (due + late + 1) * Ms, sessions, JitTicks: 0, PoolPending: 0, WaitNanoseconds: waitNs);
}
