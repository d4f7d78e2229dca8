using System.Threading.Channels;
using Voicebot.Protocol.Client;

namespace Voicebot.Cli.Calling;

/// <summary>
/// What the simulated caller sends, tick by tick: its queued segments one after the other, silence when none is queued,
/// as from a real phone line. Segments are queued from any thread; the frames are chosen on the send loop.
/// </summary>
internal sealed class CallerOutbox(Action hangUp) : IAudioSocketOutboundSource
{
    private readonly Channel<OutboundSegment> _queue = Channel.CreateUnbounded<OutboundSegment>(new UnboundedChannelOptions { SingleReader = true });
    private OutboundSegment? _current;
    private long _framesSent;
    private long _dtmfSent;

    /// <summary>Audio frames sent (including silence).</summary>
    public long FramesSent => Interlocked.Read(ref _framesSent);

    /// <summary>DTMF messages sent.</summary>
    public long DtmfSent => Interlocked.Read(ref _dtmfSent);

    public void Enqueue(OutboundSegment segment) => _queue.Writer.TryWrite(segment);

    /// <summary>Counts the frame of silence that went out with the UUID, before the send loop started.</summary>
    public void CountFirstFrame() => Interlocked.Increment(ref _framesSent);

    public AudioSocketOutboundFrame NextFrame(long frameIndex, Span<byte> payload)
    {
        while (true)
        {
            if (_current is null && !_queue.Reader.TryRead(out _current))
            {
                return AudioSocketOutboundFrame.Silence;
            }

            if (_current.CancellationToken.IsCancellationRequested)
            {
                _current.Done.TrySetCanceled(_current.CancellationToken);
                _current = null;
                continue;
            }

            if (_current.TryNext(payload, out var frame))
            {
                return frame;
            }

            _current.Done.TrySetResult();
            _current = null;
        }
    }

    public void OnFrameWritten(AudioSocketOutboundFrame frame, long writtenAt)
    {
        switch (frame.Action)
        {
            case AudioSocketOutboundAction.Silence or AudioSocketOutboundAction.Audio:
                Interlocked.Increment(ref _framesSent);
                break;

            case AudioSocketOutboundAction.Dtmf:
                Interlocked.Increment(ref _dtmfSent);
                break;

            case AudioSocketOutboundAction.HangUp:
                _current?.Done.TrySetResult();
                hangUp();
                return;
        }

        // Complete as soon as the last meaningful frame is out: the bot may react (and hang up) before the next tick.
        if (_current is { IsComplete: true })
        {
            _current.Done.TrySetResult();
            _current = null;
        }
    }

    /// <summary>Drops what was not sent once the send loop has stopped; cancelled, not faulted: the waiters report the end of the call.</summary>
    public void CancelPending()
    {
        _current?.Done.TrySetCanceled(CancellationToken.None);
        _current = null;
        while (_queue.Reader.TryRead(out var pending))
        {
            pending.Done.TrySetCanceled(CancellationToken.None);
        }
    }
}
