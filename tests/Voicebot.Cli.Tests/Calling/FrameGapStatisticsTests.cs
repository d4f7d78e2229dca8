using Voicebot.Cli.Calling;
using Voicebot.Protocol;

namespace Voicebot.Cli.Tests.Calling;

public sealed class FrameGapStatisticsTests
{
    [Fact]
    public void From_EvenFramesAndOneLateOne_ReportsMedianAndMax()
    {
        var times = new List<double>();
        for (var i = 0; i < 100; i++)
        {
            times.Add(i * 20);
        }

        times.Add(times[^1] + 80);
        var frames = times.Select(ms => new ReceivedFrame(TimeSpan.FromMilliseconds(ms), AudioSocketKind.Audio, new byte[320])).ToList();

        var stats = FrameGapStatistics.From(frames);

        Assert.Equal(100, stats.Count);
        Assert.Equal(TimeSpan.FromMilliseconds(20), stats.P50);
        Assert.Equal(TimeSpan.FromMilliseconds(20), stats.P99);
        Assert.Equal(TimeSpan.FromMilliseconds(80), stats.Max);
    }

    [Fact]
    public void From_OneFrame_IsEmpty()
    {
        var stats = FrameGapStatistics.From([new ReceivedFrame(TimeSpan.Zero, AudioSocketKind.Audio, new byte[320])]);

        Assert.Equal(0, stats.Count);
    }
}
