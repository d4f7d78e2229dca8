using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Time.Testing;
using Voicebot.Abstractions.Calls;
using Voicebot.Gateway.Calls;
using Voicebot.Protocol;

namespace Voicebot.Gateway.Tests.Calls;

/// <summary>The pacer's own writes to a socket's pipe, on an in-memory pipe: frames, the one pending flush, the hang-up's end.</summary>
public sealed class PacedPipeOutputTests
{
    private const int FrameBytes = 320;
    private readonly Lock _gate = new();
    private readonly CallSessionLifecycle _lifecycle = new();
    private readonly PlaybackQueue _playback = new(static _ => { }, new FakeTimeProvider());
    private readonly List<CallSessionEnd> _ended = [];

    [Fact]
    public void Tick_WritesOneFramePerTick_AudioThenSilence()
    {
        var pipe = new Pipe();
        var output = Create(pipe);
        _playback.Enqueue(new PlaybackItem(1, "short", TestAudio.Pattern(FrameBytes), 8000));

        var first = output.WriteNextFrameLocked(out var firstEnd);
        var second = output.WriteNextFrameLocked(out var secondEnd);
        var frames = Read(pipe);

        Assert.Equal((PacerWrite.Written, PacerWrite.Written), (first, second));
        Assert.Equal((null, null), (firstEnd, secondEnd));
        Assert.Equal(2 * (AudioSocketFrameReader.HeaderSize + FrameBytes), frames.Length);
        Assert.Equal(TestAudio.Pattern(FrameBytes), frames[AudioSocketFrameReader.HeaderSize..(AudioSocketFrameReader.HeaderSize + FrameBytes)]);
        Assert.All(frames[(2 * AudioSocketFrameReader.HeaderSize + FrameBytes)..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void Tick_StreamRunningDry_IsStarvedNotAnUnderrun()
    {
        var output = Create(new Pipe());
        _playback.Enqueue(new PlaybackItem(2, "streamed", TestAudio.Pattern(100), 8000, MoreFollows: true));

        var written = output.WriteNextFrameLocked(out _);

        Assert.Equal(PacerWrite.Starved, written);
        Assert.Equal(1, output.StarvedFrames);
    }

    [Fact]
    public async Task PendingFlush_NextTickIsAnUnderrun_AndTheConnectionWaitsItOut()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1, resumeWriterThreshold: 1, useSynchronizationContext: false));
        var output = Create(pipe);

        var first = output.WriteNextFrameLocked(out _);
        var second = output.WriteNextFrameLocked(out _);
        Task flushed;
        lock (_gate)
        {
            flushed = output.WhenFlushedLocked();
        }

        var waitedBeforeRead = flushed.IsCompleted;
        Read(pipe);
        await flushed.WaitAsync(TestContext.Current.CancellationToken);

        Assert.Equal((PacerWrite.Written, PacerWrite.Underrun), (first, second));
        Assert.False(waitedBeforeRead);
        Assert.False(output.FlushPending);
        Assert.Empty(_ended);
    }

    [Fact]
    public void Hangup_OnceDrained_IsWrittenOnce_AndEndsTheSession()
    {
        var pipe = new Pipe();
        var output = Create(pipe);
        _lifecycle.RequestHangup();

        var written = output.WriteNextFrameLocked(out var end);
        var after = output.WriteNextFrameLocked(out _);

        Assert.Equal(PacerWrite.Written, written);
        Assert.Equal(CallSessionEnd.HangupSent, end);
        Assert.Equal(PacerWrite.Closed, after);
        Assert.Equal(AudioSocketFrameWriter.Hangup.ToArray(), Read(pipe));
        Assert.Equal(CallSessionPhase.HangingUp, _lifecycle.Phase);
    }

    [Fact]
    public async Task Hangup_BehindAPendingFlush_EndsTheSessionWhenTheFlushCompletes()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1, resumeWriterThreshold: 1, useSynchronizationContext: false));
        var ended = new TaskCompletionSource<CallSessionEnd>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new PacedPipeOutput(
            pipe.Writer, _gate, _playback, _lifecycle, new OutboundAudioTrail(null), AudioSocketKind.Audio, FrameBytes, end => ended.TrySetResult(end));
        _lifecycle.Abort();

        output.WriteNextFrameLocked(out var end);
        Read(pipe);

        Assert.Null(end);
        Assert.Equal(CallSessionEnd.AbortSent, await ended.Task.WaitAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Tick_OnAReaderThatLeft_EndsWithTheTransportClosed()
    {
        var pipe = new Pipe();
        var output = Create(pipe);
        pipe.Reader.Complete();

        output.WriteNextFrameLocked(out var end);

        Assert.Equal(CallSessionEnd.TransportClosed, end);
    }

    [Fact]
    public void Tick_OnceClosed_WritesNothing()
    {
        var pipe = new Pipe();
        var output = Create(pipe);
        _lifecycle.Close();

        var written = output.WriteNextFrameLocked(out var end);

        Assert.Equal(PacerWrite.Closed, written);
        Assert.Null(end);
        Assert.False(pipe.Reader.TryRead(out _));
    }

    private PacedPipeOutput Create(Pipe pipe) =>
        new(pipe.Writer, _gate, _playback, _lifecycle, new OutboundAudioTrail(null), AudioSocketKind.Audio, FrameBytes, _ended.Add);

    private static byte[] Read(Pipe pipe)
    {
        Assert.True(pipe.Reader.TryRead(out var result));
        var bytes = result.Buffer.ToArray();
        pipe.Reader.AdvanceTo(result.Buffer.End);
        return bytes;
    }
}
