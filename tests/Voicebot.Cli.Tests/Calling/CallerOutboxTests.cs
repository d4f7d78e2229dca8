using Voicebot.Cli.Calling;
using Voicebot.Protocol.Client;

namespace Voicebot.Cli.Tests.Calling;

public sealed class CallerOutboxTests
{
    [Fact]
    public void NextFrame_NothingQueued_SendsSilence()
    {
        var outbox = new CallerOutbox(() => { });

        var frame = outbox.NextFrame(0, new byte[320]);

        Assert.Equal(AudioSocketOutboundAction.Silence, frame.Action);
    }

    [Fact]
    public void OnFrameWritten_LastFrameOfASegment_CompletesItBeforeTheNextTick()
    {
        var outbox = new CallerOutbox(() => { });
        var segment = new SpeechSegment(new byte[] { 1, 2, 3, 4 }, frameBytes: 4, hangUpAfterFrames: null, CancellationToken.None);
        var payload = new byte[4];
        outbox.Enqueue(segment);

        var frame = outbox.NextFrame(0, payload);
        var doneBeforeWrite = segment.Done.Task.IsCompleted;
        outbox.OnFrameWritten(frame, 0);

        Assert.Equal(AudioSocketOutboundAction.Audio, frame.Action);
        Assert.Equal([1, 2, 3, 4], payload);
        Assert.False(doneBeforeWrite);
        Assert.True(segment.Done.Task.IsCompletedSuccessfully);
        Assert.Equal(1, outbox.FramesSent);
    }

    [Fact]
    public void NextFrame_CancelledSegment_IsSkippedAndCancelled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var outbox = new CallerOutbox(() => { });
        var skipped = new SilenceSegment(3, cancelled.Token);
        var next = new DtmfSegment("5", toneFrames: 1, gapFrames: 0, CancellationToken.None);
        outbox.Enqueue(skipped);
        outbox.Enqueue(next);

        var frame = outbox.NextFrame(0, new byte[320]);

        Assert.True(skipped.Done.Task.IsCanceled);
        Assert.Equal(AudioSocketOutboundFrame.Dtmf('5'), frame);
    }

    [Fact]
    public void OnFrameWritten_HangUp_CompletesTheSegmentAndEndsTheCall()
    {
        var hungUp = 0;
        var outbox = new CallerOutbox(() => hungUp++);
        var segment = new SpeechSegment(new byte[8], frameBytes: 4, hangUpAfterFrames: 1, CancellationToken.None);
        outbox.Enqueue(segment);
        var payload = new byte[4];

        var first = outbox.NextFrame(0, payload);
        outbox.OnFrameWritten(first, 0);
        var second = outbox.NextFrame(1, payload);
        outbox.OnFrameWritten(second, 0);

        Assert.Equal(AudioSocketOutboundAction.Audio, first.Action);
        Assert.Equal(AudioSocketOutboundAction.HangUp, second.Action);
        Assert.True(segment.Done.Task.IsCompletedSuccessfully);
        Assert.Equal(1, hungUp);
    }

    [Fact]
    public void CancelPending_QueuedSegments_AreCancelled()
    {
        var outbox = new CallerOutbox(() => { });
        var current = new SilenceSegment(5, CancellationToken.None);
        var queued = new SilenceSegment(5, CancellationToken.None);
        outbox.Enqueue(current);
        outbox.Enqueue(queued);
        outbox.NextFrame(0, new byte[320]);

        outbox.CancelPending();

        Assert.True(current.Done.Task.IsCanceled);
        Assert.True(queued.Done.Task.IsCanceled);
    }
}
