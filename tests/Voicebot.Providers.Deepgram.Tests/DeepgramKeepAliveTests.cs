namespace Voicebot.Providers.Deepgram.Tests;

public sealed class DeepgramKeepAliveTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(4);

    [Fact]
    public void KeepAliveWait_DueOrPast_IsZero()
    {
        Assert.Equal(TimeSpan.Zero, DeepgramListenSession.KeepAliveWait(Interval, Interval));
        Assert.Equal(TimeSpan.Zero, DeepgramListenSession.KeepAliveWait(Interval, Interval + TimeSpan.FromSeconds(1)));
    }

    [Theory]
    [InlineData(0.001)]
    [InlineData(0.4)]
    [InlineData(0.999)]
    public void KeepAliveWait_UnderOneMillisecondLeft_WaitsAWholeMillisecond(double leftMs)
    {
        // Task.Delay truncates to whole milliseconds: a shorter wait completes at once and the loop would spin.
        var wait = DeepgramListenSession.KeepAliveWait(Interval, Interval - TimeSpan.FromMilliseconds(leftMs));

        Assert.Equal(TimeSpan.FromMilliseconds(1), wait);
    }

    [Fact]
    public void KeepAliveWait_Longer_IsTheRemainderRoundedUp()
    {
        var wait = DeepgramListenSession.KeepAliveWait(Interval, TimeSpan.FromMilliseconds(1500.25));

        Assert.Equal(TimeSpan.FromMilliseconds(2500), wait);
    }
}
