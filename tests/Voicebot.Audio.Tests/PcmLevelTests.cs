namespace Voicebot.Audio.Tests;

public sealed class PcmLevelTests
{
    [Fact]
    public void RmsDbfs_FullScaleSine_IsMinus3Db()
    {
        var sine = Signal.Tone(1000, 8000, 8000, short.MaxValue);

        var level = PcmLevel.RmsDbfs(sine);

        Assert.Equal(-3.01, level, 0.01);
    }

    [Fact]
    public void RmsDbfs_HalfScaleSine_Is6DbLower()
    {
        var full = Signal.Tone(440, 8000, 8000, 32000);
        var half = Signal.Tone(440, 8000, 8000, 16000);

        var difference = PcmLevel.RmsDbfs(full) - PcmLevel.RmsDbfs(half);

        Assert.Equal(6.02, difference, 0.01);
    }

    [Fact]
    public void RmsDbfs_SilenceOrEmpty_IsTheFloor()
    {
        Assert.Equal(PcmLevel.SilenceDbfs, PcmLevel.RmsDbfs(new short[160]));
        Assert.Equal(PcmLevel.SilenceDbfs, PcmLevel.RmsDbfs(ReadOnlySpan<short>.Empty));
    }

    [Fact]
    public void RmsDbfs_Bytes_MatchesSamples()
    {
        var samples = Signal.Tone(300, 8000, 160, 5000);

        var fromBytes = PcmLevel.RmsDbfs(Signal.ToBytes(samples));

        Assert.Equal(PcmLevel.RmsDbfs(samples), fromBytes, 10);
    }

    [Fact]
    public void Peak_NegativeFullScale_Is32768()
    {
        short[] samples = [0, 100, short.MinValue, 2000];

        Assert.Equal(32768, PcmLevel.Peak(samples));
        Assert.Equal(0, PcmLevel.PeakDbfs(samples), 10);
    }
}
