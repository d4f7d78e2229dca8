using System.Diagnostics;
using Voicebot.Bench.Load;

namespace Voicebot.Bench.Tests.Load;

public sealed class FrameGapTests
{
    private static readonly long Ms = Stopwatch.Frequency / 1000;

    [Fact]
    public void WasWrittenOnTime_NoLateTickOfTheProductNearTheGap_TheGapIsTheReceivers()
    {
        var gap = new FrameGap(1000 * Ms, 1090 * Ms);

        Assert.True(gap.WasWrittenOnTime([]));
        Assert.True(gap.WasWrittenOnTime([(500 * Ms, 520 * Ms), (1200 * Ms, 1215 * Ms)]));   // late ticks at other instants
        Assert.False(gap.WasWrittenOnTime([(1040 * Ms, 1085 * Ms)]));   // a tick 45 ms late inside the gap
        Assert.False(gap.WasWrittenOnTime([(960 * Ms, 990 * Ms)]));     // the frame before the gap left late
    }
}
