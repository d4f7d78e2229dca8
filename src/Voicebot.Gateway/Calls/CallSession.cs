using System.IO.Pipelines;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Records;
using Voicebot.Audio;
using Voicebot.Gateway.BargeIn;
using Voicebot.Gateway.Pacing;
using Voicebot.Protocol;
using Voicebot.Recordings.Recording;

namespace Voicebot.Gateway.Calls;

/// <summary>
/// One call's media state on this gateway: the outbound queue (<see cref="PlaybackQueue"/>) written one frame per
/// tick by <see cref="Pacing.OutboundPacer"/> or the native wire sender, the inbound sequence, and the barge-in
/// detector. The <see cref="ICallMediaSink"/> methods (Orleans observer calls), the pacer and the connection's read
/// loop run on different threads; a lock guards the queue and the socket's
/// <see cref="PipeWriter"/>, which only the pacer writes once the session exists.
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
    private readonly PlaybackQueue _playback;
    private readonly PipeWriter _output;
    private readonly PipeReader? _input;
    private readonly ICallControl? _control;
    private readonly ILogger _logger;
    private readonly Channel<int>? _finished;
    private readonly Action _onFlushCompleted;
    private readonly CancellationTokenSource _lifetime;
    private readonly TaskCompletionSource<CallSessionEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly BargeInDetector? _bargeIn;
    private readonly EchoReference? _echo;
    private readonly TimeProvider _time;

    private bool _playing;
    private long _starvedFrames;
    private long _lastAudibleFrame = -1;
    private BargeInReaction? _lastBargeIn;
    private ValueTask<FlushResult> _pendingFlush;
    private bool _flushPending;
    private bool _hangUpWhenDrained;
    private bool _abortRequested;
    private bool _endingForShutdown;
    private bool _hangupWritten;
    private bool _closed;
    private TaskCompletionSource? _flushDrained;
    private long _inboundSequence;
    private InboundAudioDemand _inboundAudio = InboundAudioDemand.All;
    private bool _disposed;

    // The native wire sender's queue for this call (null: the pacer writes the socket's pipe itself). Frames are queued
    // up to _wireLead ahead of the wire; the ledger keeps what each becomes once the sender reports it written (echo
    // reference, recording, playback finished), so those follow the wire, not the queue.
    private WireSlot? _wire;
    private int _wireLead;
    private byte[]? _wireFrame;
    private WireLedger? _ledger;
    private ulong _accountedAudio;
    private ulong _accountedSilence;
    private WireSlotStats _wireSeen;
    private bool _wireHangupSent;

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
        _time = time ?? TimeProvider.System;
        CallId = callId;
        SampleRate = sampleRate;
        OutboundKind = AudioSocketKinds.AudioKindFor(sampleRate);
        FrameBytes = AudioSocketKinds.FrameBytes(sampleRate);
        _output = output;
        _input = input;
        _control = control;
        _logger = logger;
        _onFlushCompleted = OnFlushCompleted;
        _playback = new PlaybackQueue(OnPlaybackFinished, _time);
        _lifetime = CancellationTokenSource.CreateLinkedTokenSource(connectionClosed);
        if (control is not null)
        {
            _finished = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            _ = ReportFinishedPlaybacksAsync(control, _finished.Reader);
            if (bargeIn is { Enabled: true })
            {
                _bargeIn = new BargeInDetector(bargeIn, sampleRate);
                _echo = new EchoReference(bargeIn.EchoWindow);
            }
        }
    }

    public Guid CallId { get; }

    /// <summary>What the gateway saw of the call's playback, for its record. Safe to call at any time.</summary>
    public CallMediaFacts MediaFacts(string? recordingPath)
    {
        lock (_gate)
        {
            return new CallMediaFacts(
                new Dictionary<int, DateTimeOffset>(_playback.QueuedAt),
                new Dictionary<int, DateTimeOffset>(_playback.StartedAt),
                recordingPath,
                _time.GetUtcNow());
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
    public CallRecorder? Recorder { get; init; }

    /// <summary>The call's recording file, for the call record; <see langword="null"/> when there is none.</summary>
    public string? RecordingPath => Recorder?.RecordingPath;

    /// <summary>Next inbound sequence number, from 0. Called by the connection's read loop only.</summary>
    public long NextInboundSequence() => _inboundSequence++;

    /// <summary>Which caller frames the grain needs (<see cref="InboundVoiceGate"/>); read by the connection's read loop.</summary>
    public InboundAudioDemand InboundAudio => Volatile.Read(ref _inboundAudio);

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
                return _starvedFrames + (long)(_wire?.ReadStats().Starved ?? _wireSeen.Starved);
            }
        }
    }

    /// <summary>Audio frames written so far (only counted while barge-in is enabled).</summary>
    internal long OutboundFrames => _echo?.Count ?? 0;

    /// <summary>Index (in <see cref="OutboundFrames"/>) of the last frame that carried bot audio; -1 before any.</summary>
    internal long LastAudibleFrame => Interlocked.Read(ref _lastAudibleFrame);

    /// <summary>True once <see cref="EndForShutdown"/> took the call over: however it ends, it ended for the shutdown.</summary>
    internal bool EndedForShutdown => Volatile.Read(ref _endingForShutdown);

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
                if (_wire is not null)
                {
                    _wireHangupSent |= _wire.ReadStats().HangupSent != 0;
                }

                // With the wire sender the hang-up counts once it is on the socket, not when it was queued.
                return (_wireFrame is null ? _hangupWritten : _wireHangupSent) && !_abortRequested;
            }
        }
    }

    /// <summary>Barge-ins detected on this call.</summary>
    internal long BargeIns => _bargeIn?.BargeIns ?? 0;

    /// <summary>Loud inbound runs over the bot that were only its own echo.</summary>
    internal long BargeInsRejectedAsEcho => _bargeIn?.RejectedAsEcho ?? 0;

    /// <summary>Runs of caller speech over the bot too short to interrupt it.</summary>
    internal long BargeInsRejectedTooShort => _bargeIn?.RejectedTooShort ?? 0;

    /// <summary>What the native wire sender did for this call so far; <see langword="null"/> when the pacer writes the socket.</summary>
    internal WireSlotStats? WireStats => Volatile.Read(ref _wire)?.ReadStats();

    /// <summary>
    /// The lock every change to the call's outbound queue takes. Tests hold it to stall the pacer's tick as a runtime
    /// pause would.
    /// </summary>
    internal Lock SyncRoot => _gate;

    /// <summary>The last barge-in, or <see langword="null"/>.</summary>
    internal BargeInReaction? LastBargeIn => Volatile.Read(ref _lastBargeIn);

    /// <summary>
    /// Runs barge-in detection on one inbound audio frame. On a barge-in the queue is flushed before this returns (the
    /// pacer's next tick writes silence), one line is logged and the control plane is told without waiting for it.
    /// Called by the connection's read loop only. Allocation-free unless it barges in.
    /// </summary>
    /// <returns><see langword="true"/> when this frame completed a barge-in.</returns>
    internal bool OnInboundAudio(long sequence, ReadOnlySpan<byte> pcm)
    {
        if (_bargeIn is null)
        {
            return false;
        }

        var playing = Volatile.Read(ref _playing);
        var echo = playing ? _echo!.Loudest() : 0;
        if (!_bargeIn.Process(pcm, playing, echo))
        {
            return false;
        }

        BargeIn(sequence);
        return true;
    }

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
            if (_closed || _abortRequested || _endingForShutdown || !_playback.Enqueue(item))
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
            if (!_endingForShutdown)
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
        Volatile.Write(ref _inboundAudio, demand);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task HangUpAsync()
    {
        lock (_gate)
        {
            _hangUpWhenDrained = true;
            TopUpWireLocked();
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
            if (_closed || _abortRequested || _hangupWritten || _endingForShutdown)
            {
                return false;
            }

            _endingForShutdown = true;
            DropQueueLocked();
            if (goodbye is { Pcm.Length: > 0 })
            {
                _playback.EnqueueFinal(goodbye);
                UpdatePlayingLocked();
            }

            _hangUpWhenDrained = true;
            TopUpWireLocked();
            return true;
        }
    }

    /// <summary>Drops the queue; the next tick writes the hang-up frame and ends the session.</summary>
    public void Abort()
    {
        lock (_gate)
        {
            _abortRequested = true;
            DropQueueLocked();
            TopUpWireLocked();   // the hang-up goes at the sender's next tick
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
        if (Volatile.Read(ref _wire) is not null)
        {
            end = null;
            lock (_gate)
            {
                written = _wire is null || _closed ? PacerWrite.Closed : TendWireLocked(out underruns, out starved, out end);
            }

            if (end is { } wireEnd)
            {
                Complete(wireEnd);
            }

            return written;
        }

        lock (_gate)
        {
            if (_closed || _hangupWritten && !_flushPending)
            {
                return PacerWrite.Closed;
            }

            if (_flushPending)
            {
                return PacerWrite.Underrun;
            }

            var hasAudio = _playback.HasAudio();
            if (_abortRequested || !hasAudio && _hangUpWhenDrained)
            {
                var span = _output.GetSpan(AudioSocketFrameReader.HeaderSize);
                AudioSocketFrameWriter.Hangup.Span.CopyTo(span);
                _output.Advance(AudioSocketFrameReader.HeaderSize);
                _hangupWritten = true;
            }
            else if (WriteAudioFrameLocked())
            {
                _starvedFrames++;
                written = PacerWrite.Starved;
            }

            UpdatePlayingLocked();
            end = FlushLocked();
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
            _wireLead = Math.Min(lead, wire.Capacity / 2);
            _wireFrame = new byte[AudioSocketFrameReader.HeaderSize + FrameBytes];
            AudioSocketFrameWriter.WriteHeader(_wireFrame, OutboundKind, FrameBytes);
            _ledger = new WireLedger(2 * wire.Capacity, FrameBytes, keepPayloads: Recorder is not null);
            Volatile.Write(ref _wire, wire);
            UpdatePlayingLocked();
            TopUpWireLocked();
        }
    }

    /// <summary>The pacer's tick with the wire sender: account for what it wrote, end on its hang-up or error, top up.</summary>
    private PacerWrite TendWireLocked(out int underruns, out int starved, out CallSessionEnd? end)
    {
        var stats = _wire!.ReadStats();
        underruns = (int)(stats.Blocked - _wireSeen.Blocked);
        starved = (int)(stats.Starved - _wireSeen.Starved);
        AccountWrittenLocked(stats);
        _wireSeen = stats;
        end = null;
        if (stats.Error != 0)
        {
            end = CallSessionEnd.TransportClosed;
            return PacerWrite.Closed;
        }

        if (stats.HangupSent != 0)
        {
            _wireHangupSent = true;
            end = _abortRequested ? CallSessionEnd.AbortSent : CallSessionEnd.HangupSent;
            return PacerWrite.Written;
        }

        TopUpWireLocked();
        return underruns > 0 ? PacerWrite.Underrun : starved > 0 ? PacerWrite.Starved : PacerWrite.Written;
    }

    /// <summary>
    /// The frames the sender wrote since the last tick, in the order they went out (queued audio, then the silence it
    /// wrote when none was queued), go into the echo reference (barge-in compares the caller with what was on the wire)
    /// and the recording; then the playbacks whose last frame is out are reported finished.
    /// </summary>
    private void AccountWrittenLocked(in WireSlotStats stats)
    {
        var ledger = _ledger!;
        for (var audio = stats.AudioSent - _accountedAudio; audio > 0; audio--)
        {
            if (!ledger.TryTakeWritten(out var payload, out var rms, out var startsAt))
            {
                break;
            }

            if (!payload.IsEmpty)
            {
                Recorder?.WriteBot(payload, startsAt);
            }

            if (_echo is not null)
            {
                if (rms > 0)
                {
                    Volatile.Write(ref _lastAudibleFrame, _echo.Count);
                }

                _echo.Add(rms);
            }
        }

        for (var silence = stats.SilenceSent - _accountedSilence; silence > 0 && _echo is not null; silence--)
        {
            _echo.Add(0);
        }

        _accountedAudio = stats.AudioSent;
        _accountedSilence = stats.SilenceSent;

        while (ledger.TryTakeFinished(out var id))
        {
            _finished?.Writer.TryWrite(id);
        }

        UpdatePlayingLocked();
    }

    /// <summary>
    /// Queues frames for the sender until it holds <see cref="_wireLead"/>: audio while whole frames are available (a
    /// streamed phrase waits for its next chunk rather than going out padded: the sender's silence covers a late chunk),
    /// then the hang-up once asked for and drained. No-op without the sender or once the hang-up is queued.
    /// </summary>
    private void TopUpWireLocked()
    {
        if (_wire is not { } wire || _wireFrame is not { } frame || _hangupWritten || _closed)
        {
            return;
        }

        var ledger = _ledger!;
        var queued = (int)wire.ReadStats().Queued;
        var room = Math.Min(wire.Room, ledger.Room);
        while (queued < _wireLead && room > 0)
        {
            var hasAudio = _playback.HasAudio();
            if (_abortRequested || !hasAudio && _hangUpWhenDrained)
            {
                wire.TryPush(AudioSocketFrameWriter.Hangup.Span);
                _hangupWritten = true;
                break;
            }

            if (!hasAudio || !_playback.HasWholeFrame(FrameBytes) && !_hangUpWhenDrained)
            {
                break;
            }

            var payload = frame.AsSpan(AudioSocketFrameReader.HeaderSize, FrameBytes);
            ledger.Filling = true;
            var filled = _playback.Fill(payload);
            ledger.Filling = false;
            ledger.Add(payload, filled > 0 ? PcmLevel.Rms(payload) : 0, wire.StartOfQueued(queued));
            wire.TryPush(frame);
            queued++;
            room--;
        }

        // After the frames are queued: told before, the sender could find the ring still empty and count the silence
        // before a phrase's first frame as a frame the caller missed.
        UpdatePlayingLocked();
        wire.SetPlaying(BotHasMoreToSayLocked());
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
            _closed = true;
            DropQueueLocked();
            if (_wire is { } wire)
            {
                // The pacer has let go of this call: what the sender wrote since its last tick goes into the recording
                // (and the echo reference) now, or the caller's last frames before the hang-up would be missing.
                var stats = wire.ReadStats();
                AccountWrittenLocked(stats);
                _wireHangupSent |= stats.HangupSent != 0;
                wire.Remove();   // from here the sender no longer touches the socket, which the connection may close
                Volatile.Write(ref _wire, null);
            }

            if (!_flushPending)
            {
                return Task.CompletedTask;
            }

            _flushDrained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _flushDrained.Task;
        }
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        _finished?.Writer.TryComplete();
        _lifetime.Dispose();
    }

    /// <summary>A playback's last byte is in a frame: reported now, or with the wire sender once that frame is written.</summary>
    private void OnPlaybackFinished(int id)
    {
        if (_ledger is { } ledger)
        {
            ledger.Finish(id);
        }
        else
        {
            _finished?.Writer.TryWrite(id);
        }
    }

    /// <summary>Writes one audio frame; returns <see langword="true"/> when a streamed phrase ran dry in it.</summary>
    private bool WriteAudioFrameLocked()
    {
        var frameSize = AudioSocketFrameReader.HeaderSize + FrameBytes;
        var span = _output.GetSpan(frameSize);
        AudioSocketFrameWriter.WriteHeader(span, OutboundKind, FrameBytes);
        var payload = span.Slice(AudioSocketFrameReader.HeaderSize, FrameBytes);
        var filled = _playback.Fill(payload);
        Recorder?.WriteBot(payload);
        if (_echo is not null)
        {
            var rms = filled > 0 ? PcmLevel.Rms(payload) : 0;
            if (rms > 0)
            {
                Volatile.Write(ref _lastAudibleFrame, _echo.Count);
            }

            _echo.Add(rms);
        }

        _output.Advance(frameSize);
        return filled < payload.Length && _playback.IsStreaming;
    }

    /// <summary>Drops everything queued; chunks of the stream still open at the tail are dropped as they arrive.</summary>
    private int DropQueueLocked()
    {
        var dropped = _playback.Drop();
        if (_wire is { } wire)
        {
            var flushed = wire.Flush();   // what the sender had not started writing
            _ledger!.DropNewest(flushed);
            dropped += flushed * FrameBytes;
        }

        UpdatePlayingLocked();
        return dropped;
    }

    /// <summary>
    /// The bot is talking while it has audio queued (or a stream open) or, with the wire sender, audible frames not yet
    /// reported written: barge-in is armed until the caller has heard the last of it.
    /// </summary>
    private void UpdatePlayingLocked()
    {
        var more = BotHasMoreToSayLocked();
        Volatile.Write(ref _playing, more || _ledger is { HoldsAudible: true });
        if (!more)
        {
            _wire?.SetPlaying(false);   // "talking" is told to the sender only once frames are queued (TopUpWireLocked)
        }
    }

    /// <summary>Audio still to be queued: an empty sender ring means the caller misses a frame.</summary>
    private bool BotHasMoreToSayLocked() => _playback.HasMoreToSay;

    private void BargeIn(long sequence)
    {
        BargeInReaction reaction;
        lock (_gate)
        {
            if (_closed || _abortRequested || _endingForShutdown)
            {
                return;
            }

            var playbackId = _playback.CurrentId;
            if (_wire is { } wire)
            {
                AccountWrittenLocked(wire.ReadStats());   // the echo reference up to the wire at the flush
            }

            var flushed = DropQueueLocked();
            var frame = _echo!.Count + (_ledger?.Count ?? 0);   // the first frame out after the flush
            reaction = new BargeInReaction(sequence, frame, playbackId, flushed);
        }

        Volatile.Write(ref _lastBargeIn, reaction);
        GatewayLog.BargeIn(
            _logger,
            CallId,
            reaction.PlaybackId,
            reaction.InboundSequence,
            reaction.FlushedBytes * 1000 / (2 * SampleRate));
        _ = ReportBargeInAsync(_control!, Lifetime);
    }

    private CallSessionEnd? FlushLocked()
    {
        ValueTask<FlushResult> flush;
        try
        {
            flush = _output.FlushAsync();
        }
        catch (InvalidOperationException)
        {
            return CallSessionEnd.TransportClosed;   // the writer was completed under us
        }

        if (flush.IsCompleted)
        {
            return Observe(flush);
        }

        _pendingFlush = flush;
        _flushPending = true;
        flush.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onFlushCompleted);
        return null;
    }

    private void OnFlushCompleted()
    {
        CallSessionEnd? end;
        TaskCompletionSource? drained;
        lock (_gate)
        {
            end = Observe(_pendingFlush);
            _pendingFlush = default;
            _flushPending = false;
            drained = _flushDrained;
            _flushDrained = null;
        }

        drained?.TrySetResult();
        if (end is { } reason)
        {
            Complete(reason);
        }
    }

    private CallSessionEnd? Observe(ValueTask<FlushResult> flush)
    {
        try
        {
            var result = flush.GetAwaiter().GetResult();
            if (result.IsCompleted || result.IsCanceled)
            {
                return CallSessionEnd.TransportClosed;
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException
                                   or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            return CallSessionEnd.TransportClosed;
        }

        if (!_hangupWritten)
        {
            return null;
        }

        return _abortRequested ? CallSessionEnd.AbortSent : CallSessionEnd.HangupSent;
    }

    private void Complete(CallSessionEnd reason)
    {
        lock (_gate)
        {
            if (_ended.Task.IsCompleted)
            {
                return;
            }

            _closed = true;
            DropQueueLocked();
        }

        _ended.TrySetResult(reason);
        _finished?.Writer.TryComplete();

        // Cancellation callbacks run inline: keep them off the pacer's thread, which serves every other call.
        ThreadPool.UnsafeQueueUserWorkItem(static session => session.SignalEnded(), this, preferLocal: false);
    }

    private void SignalEnded()
    {
        if (Volatile.Read(ref _disposed))
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

    private async Task ReportFinishedPlaybacksAsync(ICallControl control, ChannelReader<int> finished)
    {
        await foreach (var playbackId in finished.ReadAllAsync())
        {
            try
            {
                await control.PlaybackFinishedAsync(CallId, playbackId);
            }
            catch (Exception ex)
            {
                GatewayLog.ControlPlaneFailed(_logger, CallId, "playback-finished", ex);
            }
        }
    }

    private async Task ReportBargeInAsync(ICallControl control, CancellationToken cancellationToken)
    {
        // Off the read loop: the control plane's latency must not delay the next inbound frame.
        await Task.Yield();
        try
        {
            await control.BargeInAsync(CallId, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The call ended meanwhile; the control plane hears of that instead.
        }
        catch (Exception ex)
        {
            GatewayLog.ControlPlaneFailed(_logger, CallId, "barge-in", ex);
        }
    }
}
