using Voicebot.Gateway.BargeIn;

namespace Voicebot.Gateway.Tests.BargeIn;

public sealed class BargeInDetectorTests
{
    private const double BotRms = 16384;   // -6 dBFS (PcmLevel scale)

    private static readonly byte[] Speech = TestAudio.Tone(TimeSpan.FromMilliseconds(20), 440, -10);
    private static readonly byte[] Quiet = TestAudio.Tone(TimeSpan.FromMilliseconds(20), 440, -50);
    private static readonly byte[] Echo = TestAudio.Tone(TimeSpan.FromMilliseconds(20), 600, -26);

    [Fact]
    public void Process_SpeechOverTheBotForMinSpeech_BargesInOnTheEighthFrame()
    {
        var detector = new BargeInDetector(new BargeInOptions(), 8000);

        var decisions = Enumerable.Range(0, 10).Select(_ => detector.Process(Speech, botPlaying: true, BotRms)).ToList();

        Assert.Equal(7, decisions.IndexOf(true));
        Assert.Single(decisions, d => d);
        Assert.Equal(1, detector.BargeIns);
    }

    [Fact]
    public void Process_ThreeLoudFramesThenQuiet_RejectedAsTooShort()
    {
        var detector = new BargeInDetector(new BargeInOptions(), 8000);

        var barged = false;
        for (var i = 0; i < 3; i++)
        {
            barged |= detector.Process(Speech, botPlaying: true, BotRms);
        }

        barged |= detector.Process(Quiet, botPlaying: true, BotRms);

        Assert.False(barged);
        Assert.Equal(1, detector.RejectedTooShort);
        Assert.Equal(0, detector.RejectedAsEcho);
    }

    [Fact]
    public void Process_LoudButBelowTheBotMinusEchoReturnLoss_RejectedAsEcho()
    {
        var detector = new BargeInDetector(new BargeInOptions(), 8000);

        var barged = false;
        for (var i = 0; i < 50; i++)
        {
            barged |= detector.Process(Echo, botPlaying: true, BotRms);
        }

        barged |= detector.Process(Echo, botPlaying: false, BotRms);

        Assert.False(barged);
        Assert.Equal(1, detector.RejectedAsEcho);
        Assert.Equal(0, detector.RejectedTooShort);
    }

    [Fact]
    public void Process_SameFramesWhenTheBotIsSilent_CountAsSpeech()
    {
        var detector = new BargeInDetector(new BargeInOptions(), 8000);

        var barged = false;
        for (var i = 0; i < 8; i++)
        {
            barged |= detector.Process(Echo, botPlaying: true, echoReferenceRms: 0);
        }

        Assert.True(barged);
    }

    [Fact]
    public void Process_EchoFrameInsideARun_RestartsTheCount()
    {
        var detector = new BargeInDetector(new BargeInOptions(), 8000);

        var barged = false;
        for (var i = 0; i < 7; i++)
        {
            barged |= detector.Process(Speech, botPlaying: true, BotRms);
        }

        barged |= detector.Process(Echo, botPlaying: true, BotRms);
        barged |= detector.Process(Speech, botPlaying: true, BotRms);

        Assert.False(barged);
    }

    [Fact]
    public void Process_BotNotPlaying_NeverBargesInNorCounts()
    {
        var detector = new BargeInDetector(new BargeInOptions(), 8000);

        var barged = false;
        for (var i = 0; i < 50; i++)
        {
            barged |= detector.Process(Speech, botPlaying: false, echoReferenceRms: 0);
        }

        Assert.False(barged);
        Assert.Equal(0, detector.BargeIns + detector.RejectedAsEcho + detector.RejectedTooShort);
    }

    [Fact]
    public void Process_ShortFrames_MinSpeechCountsSamplesNotFrames()
    {
        var detector = new BargeInDetector(new BargeInOptions(), 8000);
        var tenMs = Speech[..160];

        var decisions = Enumerable.Range(0, 20).Select(_ => detector.Process(tenMs, botPlaying: true, BotRms)).ToList();

        Assert.Equal(15, decisions.IndexOf(true));
    }
}
