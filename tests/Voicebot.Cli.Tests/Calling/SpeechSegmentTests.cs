using Voicebot.Cli.Calling;
using Voicebot.Protocol.Client;

namespace Voicebot.Cli.Tests.Calling;

public sealed class SpeechSegmentTests
{
    [Fact]
    public void TryNext_PcmNotAWholeNumberOfFrames_PadsTheLastFrameWithSilenceThenFinishes()
    {
        var segment = new SpeechSegment(new byte[] { 1, 2, 3, 4, 5, 6 }, frameBytes: 4, hangUpAfterFrames: null, CancellationToken.None);
        var payload = new byte[] { 9, 9, 9, 9 };

        var first = segment.TryNext(payload, out _);
        var firstPayload = payload.ToArray();
        var second = segment.TryNext(payload, out var secondFrame);
        var third = segment.TryNext(payload, out _);

        Assert.True(first && second);
        Assert.Equal([1, 2, 3, 4], firstPayload);
        Assert.Equal([5, 6, 0, 0], payload);
        Assert.Equal(AudioSocketOutboundAction.Audio, secondFrame.Action);
        Assert.False(third);
        Assert.True(segment.IsComplete);
    }

    [Fact]
    public void TryNext_HangUpLongerThanThePcm_HangsUpAtItsEnd()
    {
        var segment = new SpeechSegment(new byte[4], frameBytes: 4, hangUpAfterFrames: 10, CancellationToken.None);

        segment.TryNext(new byte[4], out var first);
        var more = segment.TryNext(new byte[4], out var second);

        Assert.Equal(AudioSocketOutboundAction.Audio, first.Action);
        Assert.True(more);
        Assert.Equal(AudioSocketOutboundAction.HangUp, second.Action);
        Assert.False(segment.IsComplete);
    }
}
