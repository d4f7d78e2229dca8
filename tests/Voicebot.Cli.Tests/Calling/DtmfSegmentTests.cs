using Voicebot.Cli.Calling;
using Voicebot.Protocol.Client;

namespace Voicebot.Cli.Tests.Calling;

public sealed class DtmfSegmentTests
{
    [Fact]
    public void TryNext_TwoKeys_WithholdsAudioWhileHeldSendsEachKeyAtItsEndAndNoGapAfterTheLast()
    {
        var segment = new DtmfSegment("12", toneFrames: 3, gapFrames: 2, CancellationToken.None);
        var frames = new List<AudioSocketOutboundFrame>();

        while (segment.TryNext(new byte[320], out var frame))
        {
            frames.Add(frame);
        }

        Assert.Equal(
            [
                AudioSocketOutboundFrame.Withhold, AudioSocketOutboundFrame.Withhold, AudioSocketOutboundFrame.Dtmf('1'),
                AudioSocketOutboundFrame.Silence, AudioSocketOutboundFrame.Silence,
                AudioSocketOutboundFrame.Withhold, AudioSocketOutboundFrame.Withhold, AudioSocketOutboundFrame.Dtmf('2'),
            ],
            frames);
        Assert.True(segment.IsComplete);
    }
}
