using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Records;
using Voicebot.Gateway.BargeIn;
using Voicebot.Gateway.Pacing;
using Voicebot.Protocol;
using Voicebot.Recordings.Recording;

namespace Voicebot.Gateway.Calls;

/// <summary>
/// One connection's call on this gateway: its lifecycle (<see cref="CallSessionLifecycle"/>, the only place its phase
/// changes), the bot's queue (<see cref="PlaybackQueue"/>) and its way to the socket, one frame per tick of
/// <see cref="Pacing.OutboundPacer"/>: the pacer's own pipe (<see cref="PacedPipeOutput"/>) or the native wire sender
/// (<see cref="WireFeed"/>). The caller's side is <see cref="Inbound"/>. The <see cref="ICallMediaSink"/> methods (Orleans
/// observer calls), the pacer, a flush's completion, the connection's read loop and the drain run on different
/// threads; a lock guards the queue and the outputs.
/// </summary>
/// <remarks>
/// Streamed speech (<see cref="PlaybackItem.MoreFollows"/>): chunks of one id are written back to back, so a chunk's
/// tail and the next chunk's head share a frame. When the next chunk has not arrived by the time a frame is due, the
/// frame goes out padded with silence (counted in <see cref="StarvedFrames"/>) rather than stalling the clock.
/// The id is reported finished once its final chunk is on the wire. A new item (another id) always starts on a frame
/// boundary; an id abandoned by a new one before its final chunk is never reported.
/// </remarks>
internal sealed class CallSession : ICallMediaSink, IDisposable
{
    private readonly Lock _gate = new();
    private readonly CallSessionLifecycle _lifecycle = new();
    private readonly PlaybackQueue _playback;
    private readonly PacedPipeOutput _pipe;
    private readonly OutboundAudioTrail _trail;
    private readonly PipeReader? _input;
    private readonly PlaybackFinishedReports? _finished;
    private readonly CancellationTokenSource _lifetime;
    private readonly TaskCompletionSource<CallSessionEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private bool _playing;

    // The native wire sender's side of this call; null: the pacer writes the socket's pipe itself.
    private WireFeed? _wire;

    /// <param name="callId">The AudioSocket UUID.</param>
    /// <param name="sampleRate">The call's rate in Hz; sets the outbound kind and frame size.</param>
    /// <param name="output">The socket's writer. Only this session writes it from now on.</param>
    /// <param name="input">The socket's reader, woken with <see cref="PipeReader.CancelPendingRead"/> when the session ends.</param>
    /// <param name="control">Where playback-finished goes; <see langword="null"/> for a refused (busy) call.</param>
    /// <param name="logger">For control-plane failures.</param>
    /// <param name="connectionClosed">Ends <see cref="Lifetime"/> with the connection.</param>
    /// <param name="bargeIn">Barge-in settings; detection runs only when enabled and <paramref name="control"/> is set.</param>
    /// <param name="time">Clock of the playback timestamps kept for the call record.</param>
    public CallSession(
        Guid callId,
        int sampleRate,
        PipeWriter output,
        PipeReader? input,
        ICallControl? control,
        ILogger logger,
        CancellationToken connectionClosed = default,
        BargeInOptions? bargeIn = null,
        TimeProvider? time = null)
    {
        CallId = callId;
        SampleRate = sampleRate;
        OutboundKind = AudioSocketKinds.AudioKindFor(sampleRate);
        FrameBytes = AudioSocketKinds.FrameBytes(sampleRate);
        _input = input;
        _playback = new PlaybackQueue(OnPlaybackFinished, time ?? TimeProvider.System);
        _lifetime = CancellationTokenSource.CreateLinkedTokenSource(connectionClosed);
        _finished = control is null ? null : new PlaybackFinishedReports(callId, control, logger);
        Inbound = new CallInbound(callId, sampleRate, control, bargeIn, logger, FlushForBargeIn, _lifetime.Token);
        _trail = new OutboundAudioTrail(Inbound.Echo);
        _pipe = new PacedPipeOutput(output, _gate, _playback, _lifecycle, _trail, OutboundKind, FrameBytes, Complete);
    }

    public Guid CallId { get; }

    /// <summary>What the gateway saw of the call's playback, for its record. Safe to call at any time.</summary>
    public CallMediaFacts MediaFacts(string? recordingPath)
    {
        lock (_gate)
        {
            return _playback.Facts(recordingPath);
        }
    }

    /// <summary>Hz, from the first inbound audio kind.</summary>
    public int SampleRate { get; }

    /// <summary>The kind of every outbound audio frame: the inbound kind (0x10 at 8 kHz, 0x12 at 16 kHz).</summary>
    public AudioSocketKind OutboundKind { get; }

    /// <summary>Payload bytes of one 20 ms frame: 320 at 8 kHz, 640 at 16 kHz.</summary>
    public int FrameBytes { get; }

    /// <summary>Completes once the session has stopped writing, with the reason.</summary>
    public Task<CallSessionEnd> Ended => _ended.Task;

    /// <summary>Cancelled when the session ends or the connection closes; guards inbound publishing.</summary>
    public CancellationToken Lifetime => _lifetime.Token;

    /// <summary>Records the call (caller left, bot right); <see langword="null"/> when recordings are off or the call was refused.</summary>
    public CallRecorder? Recorder { get => _trail.Recorder; init => _trail.Recorder = value; }

    /// <summary>The call's recording file, for the call record; <see langword="null"/> when there is none.</summary>
    public string? RecordingPath => Recorder?.RecordingPath;

    /// <summary>The caller's side: inbound sequence, the grain's demand, barge-in.</summary>
    public CallInbound Inbound { get; }

    /// <summary>True while the bot has audible audio queued or playing, or a streamed phrase awaits its next chunk.</summary>
    internal bool IsPlaying => Volatile.Read(ref _playing);

    /// <summary>
    /// Frames the caller got silence in while the bot meant to talk: a streamed phrase's next chunk was late or, with
    /// the wire sender, its next frame was not queued in time. ("Underrun" is the pacer's other case: the socket was
    /// still busy, see <see cref="PacerWrite.Underrun"/>.)
    /// </summary>
    internal long StarvedFrames
    {
        get
        {
            lock (_gate)
            {
                return _pipe.StarvedFrames + (_wire?.StarvedFrames ?? 0);
            }
        }
    }

    /// <summary>Audio frames written so far (only counted while barge-in is enabled).</summary>
    internal long OutboundFrames => _trail.Frames;

    /// <summary>Index (in <see cref="OutboundFrames"/>) of the last frame that carried bot audio; -1 before any.</summary>
    internal long LastAudibleFrame => _trail.LastAudibleFrame;

    /// <summary>True once <see cref="EndForShutdown"/> took the call over: however it ends, it ended for the shutdown.</summary>
    internal bool EndedForShutdown => _lifecycle.EndingForShutdown;

    /// <summary>
    /// The bot's own hang-up (00 00 00, not a gateway abort) has been written to the connection: whatever the socket
    /// does next (Asterisk closes it about 1 ms later) is the answer to it.
    /// </summary>
    internal bool BotHangupWritten
    {
        get
        {
            lock (_gate)
            {
                // With the wire sender the hang-up counts once it is on the socket, not when it was queued.
                return _wire is null ? _lifecycle.IsBotHangupWritten : _wire.HangupSent && !_lifecycle.Aborted;
            }
        }
    }

    /// <summary>What the native wire sender did for this call so far; <see langword="null"/> when the pacer writes the socket.</summary>
    internal WireSlotStats? WireStats => Volatile.Read(ref _wire)?.Stats;

    /// <summary>
    /// The lock every change to the call's outbound queue takes. Tests hold it to stall the pacer's tick as a runtime
    /// pause would.
    /// </summary>
    internal Lock SyncRoot => _gate;

    /// <summary>
    /// Runs barge-in detection on one inbound audio frame (<see cref="CallInbound.OnAudio"/>) against whether the bot is
    /// talking now. Called by the connection's read loop only.
    /// </summary>
    internal bool OnInboundAudio(long sequence, ReadOnlySpan<byte> pcm) => Inbound.OnAudio(sequence, pcm, IsPlaying);

    /// <inheritdoc />
    public Task PlayAsync(PlaybackItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.SampleRate != SampleRate)
        {
            throw new ArgumentException(
                $"Playback {item.Id} ({item.Label}) is at {item.SampleRate} Hz; call {CallId} runs at {SampleRate} Hz.", nameof(item));
        }

        lock (_gate)
        {
            if (!_lifecycle.AcceptsPlayback || !_playback.Enqueue(item))
            {
                return Task.CompletedTask;
            }

            UpdatePlayingLocked();
            TopUpWireLocked();   // the first frame goes out at the sender's next tick, not after the pacer's
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task FlushAsync()
    {
        lock (_gate)
        {
            // The frame already in the pipe is the only thing that goes out; the next tick is silence.
            if (_lifecycle.AcceptsFlush)
            {
                DropQueueLocked();
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task SetInboundAudioAsync(InboundAudioDemand demand)
    {
        ArgumentNullException.ThrowIfNull(demand);
        Inbound.Demand = demand;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task HangUpAsync()
    {
        lock (_gate)
        {
            if (_lifecycle.RequestHangup())
            {
                TopUpWireLocked();
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The host is shutting down: drops what the bot had queued, plays <paramref name="goodbye"/> (none: hangs up at the
    /// next tick) and hangs up. From now on the control plane's audio and flushes, and barge-ins, are ignored, so the
    /// goodbye is heard whole. Returns <see langword="false"/> when the session was already ending.
    /// </summary>
    internal bool EndForShutdown(PlaybackItem? goodbye)
    {
        lock (_gate)
        {
            if (!_lifecycle.BeginShutdown())
            {
                return false;
            }

            DropQueueLocked();
            if (goodbye is { Pcm.Length: > 0 })
            {
                _playback.EnqueueFinal(goodbye);
                UpdatePlayingLocked();
            }

            TopUpWireLocked();
            return true;
        }
    }

    /// <summary>Drops the queue; the next tick writes the hang-up frame and ends the session.</summary>
    public void Abort()
    {
        lock (_gate)
        {
            if (_lifecycle.Abort())
            {
                DropQueueLocked();
                TopUpWireLocked();   // the hang-up goes at the sender's next tick
            }
        }
    }

    /// <summary>
    /// Writes exactly one frame: the next 20 ms of the current item (the last frame of an item padded with silence;
    /// streamed chunks of one id back to back), silence when nothing is queued, or the hang-up once asked for. Called by
    /// the pacer only. Allocation-free: the frame is built in the pipe's pooled memory.
    /// </summary>
    internal PacerWrite WriteNextFrame() => WriteNextFrame(out _, out _);

    /// <inheritdoc cref="WriteNextFrame()"/>
    /// <remarks>
    /// With the wire sender attached (<see cref="AttachWire"/>) nothing is written here: the queue for the sender is
    /// topped up, what it wrote since the last tick is accounted for (<paramref name="underruns"/>: ticks it found the
    /// socket full; <paramref name="starved"/>: silence it wrote while the bot meant to talk), and the session ends
    /// once its hang-up is on the socket or the socket failed.
    /// </remarks>
    internal PacerWrite WriteNextFrame(out int underruns, out int starved)
    {
        underruns = 0;
        starved = 0;
        CallSessionEnd? end;
        var written = PacerWrite.Written;
        if (Volatile.Read(ref _wire) is { } wire)
        {
            end = null;
            lock (_gate)
            {
                if (!wire.IsAttached || _lifecycle.Phase >= CallSessionPhase.Closed)
                {
                    return PacerWrite.Closed;
                }

                written = wire.Tend(out underruns, out starved, out end);
                UpdatePlayingLocked();
                if (end is null)
                {
                    TopUpWireLocked();
                }
            }

            if (end is { } wireEnd)
            {
                Complete(wireEnd);
            }

            return written;
        }

        lock (_gate)
        {
            written = _pipe.WriteNextFrameLocked(out end);
            if (written is not PacerWrite.Closed and not PacerWrite.Underrun)
            {
                UpdatePlayingLocked();
            }
        }

        if (end is { } reason)
        {
            Complete(reason);
        }

        return written;
    }

    /// <summary>
    /// Hands the socket's writes to the native wire sender: from now on this session queues whole frames, at most
    /// <paramref name="lead"/> ahead of the wire, and the sender writes one per tick (silence when none is queued).
    /// Called by the pacer before the session's first tick.
    /// </summary>
    internal void AttachWire(WireSlot wire, int lead)
    {
        ArgumentNullException.ThrowIfNull(wire);
        ArgumentOutOfRangeException.ThrowIfLessThan(lead, 1);
        lock (_gate)
        {
            var feed = new WireFeed(wire, lead, FrameBytes, OutboundKind, _playback, _lifecycle, _trail, _finished);
            Volatile.Write(ref _wire, feed);
            UpdatePlayingLocked();
            TopUpWireLocked();
        }
    }

    /// <summary>Queues frames for the wire sender up to its lead, then the hang-up once asked for and drained.</summary>
    private void TopUpWireLocked()
    {
        if (_wire is not { } wire || !wire.TopUp())
        {
            return;
        }

        // After the frames are queued: told before, the sender could find the ring still empty and count the silence
        // before a phrase's first frame as a frame the caller missed.
        UpdatePlayingLocked();
        wire.SetPlaying(_playback.HasMoreToSay);
    }

    /// <summary>Ends the session after an unexpected failure (logged by the caller).</summary>
    internal void Fail() => Complete(CallSessionEnd.Failed);

    /// <summary>
    /// Stops all writes (the connection is going away). Completes once no flush is pending, so the connection can
    /// complete its pipe safely.
    /// </summary>
    public Task CloseAsync()
    {
        lock (_gate)
        {
            _lifecycle.Close();
            DropQueueLocked();
            if (_wire is { } wire)
            {
                // The pacer has let go of this call: what the sender wrote since its last tick goes into the recording
                // (and the echo reference) now, or the caller's last frames before the hang-up would be missing.
                wire.Release();
                UpdatePlayingLocked();
            }

            return _pipe.WhenFlushedLocked();
        }
    }

    public void Dispose()
    {
        _lifecycle.Dispose();
        _finished?.Complete();
        _lifetime.Dispose();
    }

    /// <summary>A playback's last byte is in a frame: reported now, or with the wire sender once that frame is written.</summary>
    private void OnPlaybackFinished(int id)
    {
        if (_wire is { } wire)
        {
            wire.Ledger.Finish(id);
        }
        else
        {
            _finished?.Finished(id);
        }
    }

    /// <summary>Drops everything queued; chunks of the stream still open at the tail are dropped as they arrive.</summary>
    private int DropQueueLocked()
    {
        var dropped = _playback.Drop() + (_wire?.Flush() ?? 0) * FrameBytes;   // the sender's: what it had not started writing
        UpdatePlayingLocked();
        return dropped;
    }

    /// <summary>
    /// The bot is talking while it has audio queued (or a stream open) or, with the wire sender, audible frames not yet
    /// reported written: barge-in is armed until the caller has heard the last of it.
    /// </summary>
    private void UpdatePlayingLocked()
    {
        var more = _playback.HasMoreToSay;
        Volatile.Write(ref _playing, more || _wire is { Ledger.HoldsAudible: true });
        if (!more)
        {
            _wire?.SetPlaying(false);   // "talking" is told to the sender only once frames are queued (TopUpWireLocked)
        }
    }

    /// <summary>The caller barged in at inbound frame <paramref name="sequence"/>: the bot's queue goes, unless the call is ending.</summary>
    private BargeInReaction? FlushForBargeIn(long sequence)
    {
        lock (_gate)
        {
            if (!_lifecycle.AcceptsBargeIn)
            {
                return null;
            }

            var playbackId = _playback.CurrentId;
            _wire?.AccountNow();   // the echo reference up to the wire at the flush
            var flushed = DropQueueLocked();
            var frame = _trail.Frames + (_wire?.Ledger.Count ?? 0);   // the first frame out after the flush
            return new BargeInReaction(sequence, frame, playbackId, flushed);
        }
    }

    private void Complete(CallSessionEnd reason)
    {
        lock (_gate)
        {
            if (_ended.Task.IsCompleted)
            {
                return;
            }

            _lifecycle.Close();
            DropQueueLocked();
        }

        if (!_ended.TrySetResult(reason))
        {
            return;   // another thread's end won between the lock and here
        }

        _finished?.Complete();

        // Cancellation callbacks run inline: keep them off the pacer's thread, which serves every other call.
        ThreadPool.UnsafeQueueUserWorkItem(static session => session.SignalEnded(), this, preferLocal: false);
    }

    private void SignalEnded()
    {
        if (_lifecycle.Phase == CallSessionPhase.Disposed)
        {
            return;   // the connection is gone; its pipe must not be touched
        }

        try
        {
            _lifetime.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection has already let go of the session.
        }

        _input?.CancelPendingRead();   // wakes the read loop so the connection closes
    }
}
