using System.IO.Pipelines;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Voicebot.Abstractions.Calls;
using Voicebot.Protocol;

namespace Voicebot.Gateway.Calls;

/// <summary>
/// One call's media state on this gateway: the outbound queue written by <see cref="Pacing.OutboundPacer"/> one frame per
/// tick, and the inbound sequence. The <see cref="ICallMediaSink"/> methods (Orleans observer calls) and the pacer run
/// on different threads; a lock guards the queue and the socket's <see cref="PipeWriter"/>, which only the pacer
/// writes once the session exists.
/// </summary>
internal sealed class CallSession : ICallMediaSink, IDisposable
{
    private readonly Lock _gate = new();
    private readonly Queue<PlaybackItem> _queue = new();
    private readonly PipeWriter _output;
    private readonly PipeReader? _input;
    private readonly ICallControl? _control;
    private readonly ILogger _logger;
    private readonly Channel<int>? _finished;
    private readonly Action _onFlushCompleted;
    private readonly CancellationTokenSource _lifetime;
    private readonly TaskCompletionSource<CallSessionEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PlaybackItem? _current;
    private int _offset;
    private ValueTask<FlushResult> _pendingFlush;
    private bool _flushPending;
    private bool _hangUpWhenDrained;
    private bool _abortRequested;
    private bool _hangupWritten;
    private bool _closed;
    private TaskCompletionSource? _flushDrained;
    private long _inboundSequence;
    private bool _disposed;

    /// <param name="callId">The AudioSocket UUID.</param>
    /// <param name="sampleRate">The call's rate in Hz; sets the outbound kind and frame size.</param>
    /// <param name="output">The socket's writer. Only this session writes it from now on.</param>
    /// <param name="input">The socket's reader, woken with <see cref="PipeReader.CancelPendingRead"/> when the session ends.</param>
    /// <param name="control">Where playback-finished goes; <see langword="null"/> for a refused (busy) call.</param>
    /// <param name="logger">For control-plane failures.</param>
    /// <param name="connectionClosed">Ends <see cref="Lifetime"/> with the connection.</param>
    public CallSession(
        Guid callId,
        int sampleRate,
        PipeWriter output,
        PipeReader? input,
        ICallControl? control,
        ILogger logger,
        CancellationToken connectionClosed = default)
    {
        CallId = callId;
        SampleRate = sampleRate;
        OutboundKind = AudioSocketKinds.AudioKindFor(sampleRate);
        FrameBytes = AudioSocketKinds.FrameBytes(sampleRate);
        _output = output;
        _input = input;
        _control = control;
        _logger = logger;
        _onFlushCompleted = OnFlushCompleted;
        _lifetime = CancellationTokenSource.CreateLinkedTokenSource(connectionClosed);
        if (control is not null)
        {
            _finished = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            _ = ReportFinishedPlaybacksAsync(control, _finished.Reader);
        }
    }

    public Guid CallId { get; }

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

    /// <summary>Next inbound sequence number, from 0. Called by the connection's read loop only.</summary>
    public long NextInboundSequence() => _inboundSequence++;

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
            if (!_closed && !_abortRequested)
            {
                _queue.Enqueue(item);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task FlushAsync()
    {
        lock (_gate)
        {
            // The frame already in the pipe is the only thing that goes out; the next tick is silence.
            _queue.Clear();
            _current = null;
            _offset = 0;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task HangUpAsync()
    {
        lock (_gate)
        {
            _hangUpWhenDrained = true;
        }

        return Task.CompletedTask;
    }

    /// <summary>Drops the queue; the next tick writes the hang-up frame and ends the session.</summary>
    public void Abort()
    {
        lock (_gate)
        {
            _abortRequested = true;
            _queue.Clear();
            _current = null;
        }
    }

    /// <summary>
    /// Writes exactly one frame: the next 20 ms of the current item (the last frame of an item padded with silence),
    /// silence when nothing is queued, or the hang-up once asked for. Called by the pacer only. Allocation-free: the
    /// frame is built in the pipe's pooled memory.
    /// </summary>
    internal PacerWrite WriteNextFrame()
    {
        CallSessionEnd? end;
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

            var hasAudio = TakeCurrentItem();
            if (_abortRequested || !hasAudio && _hangUpWhenDrained)
            {
                var span = _output.GetSpan(AudioSocketFrameReader.HeaderSize);
                AudioSocketFrameWriter.Hangup.Span.CopyTo(span);
                _output.Advance(AudioSocketFrameReader.HeaderSize);
                _hangupWritten = true;
            }
            else
            {
                WriteAudioFrame();
            }

            end = FlushLocked();
        }

        if (end is { } reason)
        {
            Complete(reason);
        }

        return PacerWrite.Written;
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
            _queue.Clear();
            _current = null;
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

    private bool TakeCurrentItem()
    {
        while (_current is null && _queue.TryDequeue(out var next))
        {
            if (next.Pcm.Length == 0)
            {
                _finished?.Writer.TryWrite(next.Id);
                continue;
            }

            _current = next;
            _offset = 0;
        }

        return _current is not null;
    }

    private void WriteAudioFrame()
    {
        var frameSize = AudioSocketFrameReader.HeaderSize + FrameBytes;
        var span = _output.GetSpan(frameSize);
        AudioSocketFrameWriter.WriteHeader(span, OutboundKind, FrameBytes);
        var payload = span.Slice(AudioSocketFrameReader.HeaderSize, FrameBytes);
        if (_current is { } item)
        {
            var remaining = item.Pcm.AsSpan(_offset);
            var count = Math.Min(remaining.Length, FrameBytes);
            remaining[..count].CopyTo(payload);
            payload[count..].Clear();   // the item's last frame is padded with silence; the next item starts on a frame boundary
            _offset += count;
            if (_offset >= item.Pcm.Length)
            {
                _current = null;
                _offset = 0;
                _finished?.Writer.TryWrite(item.Id);
            }
        }
        else
        {
            payload.Clear();   // paced silence: AudioSocket() hangs up after 2 s without activity
        }

        _output.Advance(frameSize);
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
            _queue.Clear();
            _current = null;
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
}
