using Microsoft.Extensions.Time.Testing;
using Voicebot.Abstractions.Calls;
using Voicebot.Gateway.Calls;

namespace Voicebot.Gateway.Tests.Calls;

/// <summary>The outbound playback queue alone: frames cut from items and streams, finished playbacks, drops. No sockets.</summary>
public sealed class PlaybackQueueTests
{
    private const int FrameBytes = 320;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
    private readonly List<int> _finished = [];
    private readonly PlaybackQueue _queue;

    public PlaybackQueueTests() => _queue = new PlaybackQueue(_finished.Add, _time);

    [Fact]
    public void Item_IsCutIntoFrames_TheLastPaddedWithSilence_AndFinishedOnlyWithItsLastByte()
    {
        var pcm = Pattern(500, 1);
        Assert.True(_queue.Enqueue(Item(1, pcm)));

        var first = Frame(out var firstFilled);
        Assert.Empty(_finished);
        var second = Frame(out var secondFilled);

        Assert.Equal((320, 180), (firstFilled, secondFilled));
        Assert.Equal(pcm[..320], first);
        Assert.Equal([.. pcm[320..], .. new byte[140]], second);
        Assert.Equal([1], _finished);
        Assert.False(_queue.HasMoreToSay);
    }

    [Fact]
    public void StreamedChunks_ShareAFrame_AndTheIdIsFinishedOnceWithItsFinalChunk()
    {
        var head = Pattern(500, 1);
        var tail = Pattern(400, 2);
        _queue.Enqueue(Item(7, head, moreFollows: true));
        _queue.Enqueue(Item(7, tail));

        var frames = new[] { Frame(out _), Frame(out _), Frame(out _) };

        Assert.Equal(head[..320], frames[0]);
        Assert.Equal([.. head[320..], .. tail[..140]], frames[1]);
        Assert.Equal([.. tail[140..], .. new byte[60]], frames[2]);
        Assert.Equal([7], _finished);
    }

    [Fact]
    public void StreamRunsDry_NoWholeFrameUntilTheNextChunk_AndTheBotStillHasMoreToSay()
    {
        _queue.Enqueue(Item(3, Pattern(500, 1), moreFollows: true));
        Frame(out _);

        Assert.True(_queue.HasAudio());
        Assert.False(_queue.HasWholeFrame(FrameBytes));   // 180 bytes left, more to come: wait rather than pad

        _queue.Enqueue(Item(3, Pattern(200, 2), moreFollows: true));
        Assert.True(_queue.HasWholeFrame(FrameBytes));
        Frame(out var filled);
        Assert.Equal(320, filled);
        Assert.True(_queue.IsStreaming);
        Assert.True(_queue.HasMoreToSay);
        Assert.Empty(_finished);
    }

    [Fact]
    public void NextItem_StartsOnAFrameBoundary()
    {
        _queue.Enqueue(Item(1, Pattern(100, 1)));
        _queue.Enqueue(Item(2, Pattern(100, 2)));

        var first = Frame(out var firstFilled);
        var second = Frame(out _);

        Assert.Equal(100, firstFilled);
        Assert.Equal([.. Pattern(100, 1), .. new byte[220]], first);
        Assert.Equal([.. Pattern(100, 2), .. new byte[220]], second);
        Assert.Equal([1, 2], _finished);
    }

    [Fact]
    public void StreamAbandonedForAnotherId_IsNeverReportedFinished()
    {
        _queue.Enqueue(Item(4, Pattern(320, 1), moreFollows: true));
        Frame(out _);
        _queue.Enqueue(Item(5, Pattern(320, 2)));

        var next = Frame(out _);

        Assert.Equal(Pattern(320, 2), next);
        Assert.Equal([5], _finished);
        Assert.False(_queue.IsStreaming);
    }

    [Fact]
    public void Drop_ReturnsTheBytesDropped_AndDiscardsTheOpenStreamUpToItsFinalChunk()
    {
        _queue.Enqueue(Item(6, Pattern(1000, 1), moreFollows: true));
        Frame(out _);

        Assert.Equal(680, _queue.Drop());
        Assert.False(_queue.HasMoreToSay);
        Assert.Null(_queue.CurrentId);
        Assert.False(_queue.Enqueue(Item(6, Pattern(320, 2), moreFollows: true)));   // sent before the flush was heard
        Assert.False(_queue.Enqueue(Item(6, Pattern(320, 3))));                       // its final chunk, discarded too
        Assert.True(_queue.Enqueue(Item(8, Pattern(320, 4))));
        Assert.Equal(Pattern(320, 4), Frame(out _));
        Assert.Equal([8], _finished);
    }

    [Fact]
    public void Drop_ThenANewId_EndsTheDiscard()
    {
        _queue.Enqueue(Item(6, Pattern(1000, 1), moreFollows: true));
        _queue.Drop();

        Assert.True(_queue.Enqueue(Item(9, Pattern(320, 2))));
        Assert.True(_queue.Enqueue(Item(6, Pattern(320, 3))));   // the old id again, after another item: a new phrase
    }

    [Fact]
    public void EnqueueFinal_AfterADrop_IsSaidEvenWhileAStreamIsBeingDiscarded()
    {
        _queue.Enqueue(Item(6, Pattern(1000, 1), moreFollows: true));
        _queue.Drop();

        _queue.EnqueueFinal(Item(99, Pattern(320, 5)));

        Assert.True(_queue.HasMoreToSay);
        Assert.Equal(Pattern(320, 5), Frame(out _));
        Assert.Equal([99], _finished);
        Assert.False(_queue.Enqueue(Item(6, Pattern(320, 2))));   // the dropped stream's chunks are still discarded
    }

    [Fact]
    public void EmptyItem_IsFinishedWhenReached_AndSilenceIsNotTheBotTalking()
    {
        _queue.Enqueue(Item(1, []));
        _queue.Enqueue(Item(2, new byte[640]));

        Assert.False(_queue.HasMoreToSay);   // only silence queued
        Assert.True(_queue.HasAudio());
        Assert.Equal([1], _finished);
        Assert.Equal(2, _queue.CurrentId);
    }

    [Fact]
    public void QueuedAtAndStartedAt_AreKeptOncePerPlayback()
    {
        _queue.Enqueue(Item(1, Pattern(640, 1), moreFollows: true));
        var queuedAt = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromMilliseconds(30));
        Frame(out _);
        var startedAt = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromMilliseconds(30));
        _queue.Enqueue(Item(1, Pattern(320, 2)));
        Frame(out _);
        Frame(out _);

        Assert.Equal(queuedAt, _queue.QueuedAt[1]);
        Assert.Equal(startedAt, _queue.StartedAt[1]);
        Assert.Equal([1], _finished);
    }

    private byte[] Frame(out int filled)
    {
        var frame = new byte[FrameBytes];
        Array.Fill(frame, (byte)0xEE);   // every byte must be written: audio or silence
        filled = _queue.Fill(frame);
        return frame;
    }

    private static PlaybackItem Item(int id, byte[] pcm, bool moreFollows = false) => new(id, $"item {id}", pcm, 8000, moreFollows);

    private static byte[] Pattern(int length, byte seed)
    {
        var pcm = new byte[length];
        for (var i = 0; i < length; i++)
        {
            pcm[i] = (byte)(seed + i % 200 + 1);
        }

        return pcm;
    }
}
