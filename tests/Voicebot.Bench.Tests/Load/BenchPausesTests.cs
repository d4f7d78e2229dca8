using System.Diagnostics;
using Voicebot.Bench.Load;

namespace Voicebot.Bench.Tests.Load;

public sealed class BenchPausesTests
{
    private static readonly long Ms = Stopwatch.Frequency / 1000;

    // Far from any real pause of this test process, which the listener also records.
    private static readonly long Base = long.MaxValue / 4;

    [Fact]
    public void Explains_AGapMostlyCoveredByTheBenchsOwnPause_IsTheBenchs()
    {
        using var pauses = new BenchPauses();
        pauses.Record(Base + (10 * Ms), Base + (70 * Ms));

        // 90 ms between two frames: 70 ms more than the frame period, 60 ms of it the bench's pause.
        Assert.True(pauses.Explains(new FrameGap(Base, Base + (90 * Ms))));
    }

    [Fact]
    public void Explains_AGapWithLittleOrNoBenchPauseInIt_IsNotTheBenchs()
    {
        using var pauses = new BenchPauses();
        pauses.Record(Base, Base + (5 * Ms));

        Assert.False(pauses.Explains(new FrameGap(Base, Base + (90 * Ms))));   // 5 of 70 ms
        Assert.False(pauses.Explains(new FrameGap(Base + (1000 * Ms), Base + (1090 * Ms))));   // none
    }
}
