using System.IO.Pipelines;
using Voicebot.Audio;
using Voicebot.Protocol;

namespace Voicebot.Gateway.Calls;

/// <summary>
/// The socket's pipe when the pacer writes it itself (no wire sender): one frame and one flush per tick, the frame built
/// in the pipe's pooled memory. The one owner of that flush: at most one is pending (a slow socket), a tick that finds
/// it pending writes nothing, and the connection waits it out before it completes the pipe. Used under the session's
/// lock, except the flush's completion, which takes it.
/// </summary>
internal sealed class PacedPipeOutput
{
    private readonly PipeWriter _output;
    private readonly Lock _gate;
    private readonly PlaybackQueue _playback;
    private readonly CallSessionLifecycle _lifecycle;
    private readonly OutboundAudioTrail _trail;
    private readonly AudioSocketKind _kind;
    private readonly int _frameBytes;
    private readonly Action<CallSessionEnd> _ended;
    private readonly Action _onFlushCompleted;
    private ValueTask<FlushResult> _pendingFlush;
    private TaskCompletionSource? _flushDrained;

    /// <param name="output">The socket's writer.</param>
    /// <param name="gate">The session's lock.</param>
    /// <param name="playback">Where the frames come from.</param>
    /// <param name="lifecycle">Says when the hang-up is written, and is told.</param>
    /// <param name="trail">Where the frames written go.</param>
    /// <param name="kind">The kind of every audio frame.</param>
    /// <param name="frameBytes">Payload bytes of one frame.</param>
    /// <param name="ended">Told, outside the lock, how the session ended when a pending flush's completion ends it.</param>
    public PacedPipeOutput(
        PipeWriter output,
        Lock gate,
        PlaybackQueue playback,
        CallSessionLifecycle lifecycle,
        OutboundAudioTrail trail,
        AudioSocketKind kind,
        int frameBytes,
        Action<CallSessionEnd> ended)
    {
        _output = output;
        _gate = gate;
        _playback = playback;
        _lifecycle = lifecycle;
        _trail = trail;
        _kind = kind;
        _frameBytes = frameBytes;
        _ended = ended;
        _onFlushCompleted = OnFlushCompleted;
    }

    /// <summary>The last flush has not completed: the socket is still busy with it.</summary>
    public bool FlushPending { get; private set; }

    /// <summary>Frames the caller got padded with silence because a streamed phrase's next chunk was late.</summary>
    public long StarvedFrames { get; private set; }

    /// <summary>
    /// The pacer's tick: writes exactly one frame (the next 20 ms of audio, silence, or the hang-up once the lifecycle
    /// says so) and flushes it; nothing while the last flush is pending or once the hang-up is out.
    /// </summary>
    /// <param name="end">How the session ended, when this tick ended it.</param>
    public PacerWrite WriteNextFrameLocked(out CallSessionEnd? end)
    {
        end = null;
        var phase = _lifecycle.Phase;
        if (phase >= CallSessionPhase.Closed || phase == CallSessionPhase.HangingUp && !FlushPending)
        {
            return PacerWrite.Closed;
        }

        if (FlushPending)
        {
            return PacerWrite.Underrun;
        }

        var written = PacerWrite.Written;
        if (_lifecycle.HangsUpNow(_playback.HasAudio()))
        {
            AudioSocketFrameWriter.Hangup.Span.CopyTo(_output.GetSpan(AudioSocketFrameReader.HeaderSize));
            _output.Advance(AudioSocketFrameReader.HeaderSize);
            _lifecycle.HangupWritten();
        }
        else if (WriteAudioFrame())
        {
            StarvedFrames++;
            written = PacerWrite.Starved;
        }

        end = FlushLocked() ? CallSessionEnd.TransportClosed : HangupOnSocketLocked();
        return written;
    }

    // True when the transport closed under the flush; false when it completed or is now pending.
    private bool FlushLocked()
    {
        ValueTask<FlushResult> flush;
        try
        {
            flush = _output.FlushAsync();
        }
        catch (InvalidOperationException)
        {
            return true;   // the writer was completed under us
        }

        if (flush.IsCompleted)
        {
            return TransportClosed(flush);
        }

        _pendingFlush = flush;
        FlushPending = true;
        flush.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onFlushCompleted);
        return false;
    }

    /// <summary>Completes once no flush is pending, so the connection can complete the pipe safely.</summary>
    public Task WhenFlushedLocked()
    {
        if (!FlushPending)
        {
            return Task.CompletedTask;
        }

        _flushDrained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _flushDrained.Task;
    }

    /// <summary>Writes one audio frame; returns <see langword="true"/> when a streamed phrase ran dry in it.</summary>
    private bool WriteAudioFrame()
    {
        var frameSize = AudioSocketFrameReader.HeaderSize + _frameBytes;
        var span = _output.GetSpan(frameSize);
        AudioSocketFrameWriter.WriteHeader(span, _kind, _frameBytes);
        var payload = span.Slice(AudioSocketFrameReader.HeaderSize, _frameBytes);
        var filled = _playback.Fill(payload);
        _trail.Written(payload, filled > 0 && _trail.KeepsLevels ? PcmLevel.Rms(payload) : 0);
        _output.Advance(frameSize);
        return filled < payload.Length && _playback.IsStreaming;
    }

    /// <summary>The flush is done: with the hang-up written, it is on the socket.</summary>
    private CallSessionEnd? HangupOnSocketLocked() =>
        !FlushPending && _lifecycle.IsHangupWritten ? _lifecycle.HangupOutcome : null;

    private void OnFlushCompleted()
    {
        CallSessionEnd? end;
        TaskCompletionSource? drained;
        lock (_gate)
        {
            FlushPending = false;
            end = TransportClosed(_pendingFlush) ? CallSessionEnd.TransportClosed : HangupOnSocketLocked();
            _pendingFlush = default;
            drained = _flushDrained;
            _flushDrained = null;
        }

        drained?.TrySetResult();
        if (end is { } reason)
        {
            _ended(reason);
        }
    }

    private static bool TransportClosed(ValueTask<FlushResult> flush)
    {
        try
        {
            var result = flush.GetAwaiter().GetResult();
            return result.IsCompleted || result.IsCanceled;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException
                                   or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            return true;
        }
    }
}
