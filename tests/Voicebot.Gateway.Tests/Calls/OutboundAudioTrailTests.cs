using Voicebot.Gateway.BargeIn;
using Voicebot.Gateway.Calls;

namespace Voicebot.Gateway.Tests.Calls;

public sealed class OutboundAudioTrailTests
{
    [Fact]
    public void Written_CountsEveryFrame_AndRemembersTheLastAudibleOne()
    {
        var trail = new OutboundAudioTrail(new EchoReference(TimeSpan.FromMilliseconds(200)));
        var payload = TestAudio.Pattern(320);

        trail.Written(payload, 1200);
        trail.Written(payload, 900, startsAt: 0);
        trail.Written(payload, 0);
        trail.SilenceWritten();

        Assert.True(trail.KeepsLevels);
        Assert.Equal(4, trail.Frames);
        Assert.Equal(1, trail.LastAudibleFrame);
    }

    [Fact]
    public void WithoutBargeIn_NoLevelIsKept()
    {
        var trail = new OutboundAudioTrail(echo: null);

        trail.Written(TestAudio.Pattern(320), 1200);
        trail.SilenceWritten();

        Assert.False(trail.KeepsLevels);
        Assert.Equal(0, trail.Frames);
        Assert.Equal(-1, trail.LastAudibleFrame);
    }
}
