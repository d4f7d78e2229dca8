using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;
using Voicebot.Protocol;

namespace Voicebot.Cli.Calling;

/// <summary>
/// A real AudioSocket client that behaves like Asterisk on an answered call: sends the UUID, then one paced audio frame
/// every 20 ms on an absolute schedule (silence unless told to speak), DTMF messages at each key's end, and reads the
/// bot's messages concurrently. Works against any AudioSocket server. Thread-safe; one instance per call.
/// </summary>
public sealed class SimulatedCaller : IAsyncDisposable
{
    private const int MaxPayloadBytes = ushort.MaxValue;

    // Beyond this lag the schedule restarts instead of sending the missed frames in a burst (an RTP leg would drop them).
    private const int MaxLagFrames = 5;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    private readonly Socket _socket;
    private readonly SimulatedCallerOptions _options;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly int _frameBytes;
    private readonly AudioSocketKind _audioKind;
    private readonly Channel<OutboundSegment> _outbound = Channel.CreateUnbounded<OutboundSegment>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<ReceivedFrame>? _botAudio;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<CallEndReason> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly List<ReceivedFrame> _received = [];
    private readonly List<string> _violations = [];
    private readonly BotSpeechDetector _detector;
    private TimeSpan _lastLoudAt;
    private bool _spokeSinceMark;
    private long _framesSent;
    private long _dtmfSent;
    private long _scheduleResets;
    private bool _socketClosed;
    private Task _sendLoop = Task.CompletedTask;
    private Task _receiveLoop = Task.CompletedTask;

    private SimulatedCaller(Socket socket, SimulatedCallerOptions options, Guid callId)
    {
        _socket = socket;
        _options = options;
        _time = options.TimeProvider;
        _origin = _time.GetTimestamp();
        _audioKind = AudioSocketKinds.AudioKindFor(options.SampleRate);
        _frameBytes = AudioSocketKinds.FrameBytes(options.SampleRate);
        _detector = new BotSpeechDetector(options.BotSpeechRmsThreshold, options.BotSilenceToFinish);
        if (options.PublishBotAudio)
        {
            _botAudio = Channel.CreateUnbounded<ReceivedFrame>(new UnboundedChannelOptions { SingleWriter = true });
        }

        CallId = callId;
    }

    /// <summary>The call id sent in the UUID message.</summary>
    public Guid CallId { get; }

    /// <summary>Call sample rate, Hz.</summary>
    public int SampleRate => _options.SampleRate;

    /// <summary>Bytes in one outbound 20 ms audio frame.</summary>
    public int FrameBytes => _frameBytes;

    /// <summary>Time since the connection was made.</summary>
    public TimeSpan Elapsed => _time.GetElapsedTime(_origin);

    /// <summary>Completes with how the call ended.</summary>
    public Task<CallEndReason> Completion => _ended.Task;

    /// <summary>How the call ended, or <see langword="null"/> while it is up.</summary>
    public CallEndReason? EndReason => _ended.Task.IsCompletedSuccessfully ? _ended.Task.Result : null;

    /// <summary>Audio frames sent (including silence).</summary>
    public long FramesSent => Interlocked.Read(ref _framesSent);

    /// <summary>DTMF messages sent.</summary>
    public long DtmfSent => Interlocked.Read(ref _dtmfSent);

    /// <summary>Times the pacing loop fell more than 100 ms behind and restarted its schedule (0 on a healthy machine).</summary>
    public long ScheduleResets => Interlocked.Read(ref _scheduleResets);

    /// <summary>Prompts the bot has finished so far (see <see cref="BotSpeechDetector"/>).</summary>
    public int BotPromptsFinished
    {
        get
        {
            lock (_gate)
            {
                return _detector.PromptsFinished;
            }
        }
    }

    /// <summary>Messages from the bot that real Asterisk would reject, in order.</summary>
    public IReadOnlyList<string> ProtocolViolations
    {
        get
        {
            lock (_gate)
            {
                return [.. _violations];
            }
        }
    }

    /// <summary>
    /// Connects to an AudioSocket server, sends the UUID message and starts streaming silence.
    /// </summary>
    /// <exception cref="SocketException">The connection was refused or failed.</exception>
    /// <exception cref="TimeoutException">The connection took longer than <see cref="SimulatedCallerOptions.ConnectTimeout"/>.</exception>
    public static async Task<SimulatedCaller> ConnectAsync(string host, int port, SimulatedCallerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        options ??= new SimulatedCallerOptions();
        AudioSocketKinds.AudioKindFor(options.SampleRate);   // throws on a rate AudioSocket cannot carry

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                connectTimeout.CancelAfter(options.ConnectTimeout);
                try
                {
                    await socket.ConnectAsync(host, port, connectTimeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"Connecting to {host}:{port} took longer than {options.ConnectTimeout.TotalSeconds:0.#} s.");
                }
            }

            var caller = new SimulatedCaller(socket, options, options.CallId ?? Guid.NewGuid());
            await caller.StartAsync(cancellationToken);
            return caller;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Speaks <paramref name="pcm"/> (16-bit mono at <see cref="SampleRate"/>); completes when its last frame is sent.</summary>
    /// <exception cref="CallEndedException">The call ended first.</exception>
    public Task SayAsync(ReadOnlyMemory<byte> pcm, CancellationToken cancellationToken = default)
    {
        ConsumePrompts();
        return RunSegmentAsync(new SpeechSegment(pcm, _frameBytes, hangUpAfterFrames: null, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Starts speaking <paramref name="pcm"/> and closes the socket after <paramref name="after"/> of it (or at its end if
    /// it is shorter), right after a speech frame: the bot sees EOF mid-sentence. Completes when the call has ended.
    /// </summary>
    public async Task SayAndHangUpAsync(ReadOnlyMemory<byte> pcm, TimeSpan after, CancellationToken cancellationToken = default)
    {
        ConsumePrompts();
        var frames = Math.Max(1, (int)Math.Round(after / AudioSocketKinds.FrameDuration));
        try
        {
            await RunSegmentAsync(new SpeechSegment(pcm, _frameBytes, frames, cancellationToken), cancellationToken);
        }
        catch (CallEndedException)
        {
        }

        await _ended.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Presses <paramref name="digits"/> one after the other; completes when the last one is sent.</summary>
    /// <exception cref="ArgumentException">A character is not a DTMF digit.</exception>
    public Task SendDtmfAsync(string digits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(digits);
        foreach (var digit in digits)
        {
            if (!AudioSocketPayload.IsDtmfDigit(digit))
            {
                throw new ArgumentException($"'{digit}' is not a DTMF digit.", nameof(digits));
            }
        }

        ConsumePrompts();
        var toneFrames = Math.Max(1, (int)Math.Round(_options.DtmfToneDuration / AudioSocketKinds.FrameDuration));
        var gapFrames = Math.Max(0, (int)Math.Round(_options.DtmfGap / AudioSocketKinds.FrameDuration));
        return RunSegmentAsync(new DtmfSegment(digits, toneFrames, gapFrames, cancellationToken), cancellationToken);
    }

    /// <summary>Sends silence frames for <paramref name="duration"/> (rounded to whole frames).</summary>
    public Task SendSilenceAsync(TimeSpan duration, CancellationToken cancellationToken = default)
    {
        var frames = Math.Max(0, (int)Math.Round(duration / AudioSocketKinds.FrameDuration));
        return RunSegmentAsync(new SilenceSegment(frames, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Waits until the bot has spoken (a frame louder than <see cref="SimulatedCallerOptions.BotSpeechRmsThreshold"/>) since
    /// the last wait or caller action, and then nothing loud has arrived for <paramref name="silence"/> (default
    /// <see cref="SimulatedCallerOptions.BotSilenceToFinish"/>): silent frames or no frames at all. Returns at once if the
    /// bot's last prompt already finished unheard; returns when the call ends right after the bot spoke (a goodbye).
    /// </summary>
    /// <exception cref="TimeoutException">No prompt finished within <paramref name="timeout"/>.</exception>
    /// <exception cref="CallEndedException">The call ended without the bot speaking.</exception>
    public async Task WaitForPromptAsync(TimeSpan timeout, TimeSpan? silence = null, CancellationToken cancellationToken = default)
    {
        var quietNeeded = silence ?? _options.BotSilenceToFinish;
        var deadline = Elapsed + timeout;
        while (true)
        {
            var ended = _ended.Task.IsCompleted;
            lock (_gate)
            {
                if (_spokeSinceMark && (ended || Elapsed - _lastLoudAt >= quietNeeded))
                {
                    _spokeSinceMark = false;
                    return;
                }
            }

            if (ended)
            {
                throw new CallEndedException(await _ended.Task);
            }

            if (Elapsed >= deadline)
            {
                throw new TimeoutException($"The bot did not finish a prompt within {timeout.TotalSeconds:0.#} s.");
            }

            await Task.Delay(PollInterval, _time, cancellationToken);
        }
    }

    /// <summary>Waits for the call to end (the bot's <c>00 00 00</c>, EOF, or any other end) and returns how it ended.</summary>
    /// <exception cref="TimeoutException">The call was still up after <paramref name="timeout"/>.</exception>
    public async Task<CallEndReason> WaitForHangupAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _ended.Task.WaitAsync(timeout, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The bot did not end the call within {timeout.TotalSeconds:0.#} s.");
        }
    }

    /// <summary>Hangs up now: closes the socket, as Asterisk does when the caller hangs up (no 0x00 is sent).</summary>
    public async Task HangUpAsync()
    {
        End(CallEndReason.CallerHungUp);
        await WaitForLoopsAsync();
    }

    /// <summary>A copy of every audio frame received so far, in order.</summary>
    public IReadOnlyList<ReceivedFrame> GetReceivedFrames()
    {
        lock (_gate)
        {
            return [.. _received];
        }
    }

    /// <summary>Everything the bot said so far: the payloads of its audio frames, concatenated.</summary>
    public byte[] GetReceivedAudio()
    {
        lock (_gate)
        {
            var length = 0;
            foreach (var frame in _received)
            {
                length += frame.Pcm.Length;
            }

            var audio = new byte[length];
            var offset = 0;
            foreach (var frame in _received)
            {
                frame.Pcm.Span.CopyTo(audio.AsSpan(offset));
                offset += frame.Pcm.Length;
            }

            return audio;
        }
    }

    /// <summary>
    /// The bot's audio frames as they arrive; ends when the call ends.
    /// Requires <see cref="SimulatedCallerOptions.PublishBotAudio"/>; read it from one consumer only.
    /// </summary>
    public IAsyncEnumerable<ReceivedFrame> ReadBotAudioAsync(CancellationToken cancellationToken = default) =>
        _botAudio is null
            ? throw new InvalidOperationException($"Set {nameof(SimulatedCallerOptions.PublishBotAudio)} to read the bot's audio live.")
            : _botAudio.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Hangs up if the call is still up and releases the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        End(CallEndReason.CallerHungUp);
        await WaitForLoopsAsync();
        _stop.Dispose();
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        // The UUID and a first frame of silence in one write: the gateway learns the call's rate from its first audio
        // and starts at 8 kHz when none comes in time, so on a loaded machine a send loop slow to start would turn a
        // 16 kHz call into an 8 kHz one. Asterisk's own first audio follows its UUID by about 20 ms.
        var writer = new ArrayBufferWriter<byte>(AudioSocketFrameWriter.FrameSize(AudioSocketPayload.UuidLength) + AudioSocketFrameWriter.FrameSize(_frameBytes));
        AudioSocketFrameWriter.WriteUuid(writer, CallId);
        var silence = writer.GetSpan(AudioSocketFrameWriter.FrameSize(_frameBytes))[..AudioSocketFrameWriter.FrameSize(_frameBytes)];
        silence.Clear();
        AudioSocketFrameWriter.WriteHeader(silence, _audioKind, _frameBytes);
        writer.Advance(silence.Length);
        await _socket.SendAsync(writer.WrittenMemory, SocketFlags.None, cancellationToken);
        Interlocked.Increment(ref _framesSent);

        _receiveLoop = Task.Run(ReceiveLoopAsync, CancellationToken.None);
        _sendLoop = Task.Run(SendLoopAsync, CancellationToken.None);
    }

    private async Task WaitForLoopsAsync()
    {
        try
        {
            await Task.WhenAll(_sendLoop, _receiveLoop);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The loops record how the call ended; nothing more to report here.
        }
    }

    private void ConsumePrompts()
    {
        lock (_gate)
        {
            _spokeSinceMark = false;
        }
    }

    private async Task RunSegmentAsync(OutboundSegment segment, CancellationToken cancellationToken)
    {
        if (_ended.Task.IsCompleted)
        {
            throw new CallEndedException(await _ended.Task);
        }

        _outbound.Writer.TryWrite(segment);
        await Task.WhenAny(segment.Done.Task, _ended.Task).WaitAsync(cancellationToken);
        if (segment.Done.Task.IsCompletedSuccessfully)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();

        // The segment was dropped because the call ended (or is ending: the receive loop is about to say how).
        throw new CallEndedException(await _ended.Task.WaitAsync(cancellationToken));
    }

    private async Task SendLoopAsync()
    {
        var frame = new byte[AudioSocketFrameWriter.FrameSize(_frameBytes)];
        var dtmf = new byte[AudioSocketFrameWriter.FrameSize(1)];
        AudioSocketFrameWriter.WriteHeader(frame, _audioKind, _frameBytes);
        var payload = frame.AsMemory(AudioSocketFrameReader.HeaderSize, _frameBytes);
        var token = _stop.Token;
        var origin = _time.GetTimestamp();
        long tick = 0;
        OutboundSegment? current = null;
        try
        {
            while (!token.IsCancellationRequested)
            {
                // Absolute schedule: frame n leaves at origin + n × 20 ms, so delays never accumulate into drift.
                tick++;
                var wait = (AudioSocketKinds.FrameDuration * tick) - _time.GetElapsedTime(origin);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, token);
                }
                else if (wait < -(AudioSocketKinds.FrameDuration * MaxLagFrames))
                {
                    origin = _time.GetTimestamp();
                    tick = 0;
                    Interlocked.Increment(ref _scheduleResets);
                }

                var action = NextAction(ref current, payload.Span, out var digit);
                switch (action)
                {
                    case FrameAction.Audio:
                        await _socket.SendAsync(frame, SocketFlags.None, token);
                        Interlocked.Increment(ref _framesSent);
                        break;

                    case FrameAction.Dtmf:
                        AudioSocketFrameWriter.Write(dtmf, AudioSocketKind.Dtmf, [(byte)digit]);
                        await _socket.SendAsync(dtmf, SocketFlags.None, token);
                        Interlocked.Increment(ref _dtmfSent);
                        break;

                    case FrameAction.HangUp:
                        current?.Done.TrySetResult();
                        End(CallEndReason.CallerHungUp);
                        return;
                }

                // Complete as soon as the last meaningful frame is out: the bot may react (and hang up) before the next tick.
                if (current is { IsComplete: true })
                {
                    current.Done.TrySetResult();
                    current = null;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Cancelled by End, or the bot went away: the receive loop reports how the call ended.
        }
        finally
        {
            // Cancelled, not faulted: the waiters report the end of the call themselves (see RunSegmentAsync).
            current?.Done.TrySetCanceled(CancellationToken.None);
            while (_outbound.Reader.TryRead(out var pending))
            {
                pending.Done.TrySetCanceled(CancellationToken.None);
            }
        }
    }

    private FrameAction NextAction(ref OutboundSegment? current, Span<byte> payload, out char digit)
    {
        while (true)
        {
            if (current is null && !_outbound.Reader.TryRead(out current))
            {
                payload.Clear();   // nothing to say: silence keeps flowing, as from a real phone line
                digit = default;
                return FrameAction.Audio;
            }

            if (current.CancellationToken.IsCancellationRequested)
            {
                current.Done.TrySetCanceled(current.CancellationToken);
                current = null;
                continue;
            }

            var action = current.Next(payload, out digit);
            if (action != FrameAction.Finished)
            {
                return action;
            }

            current.Done.TrySetResult();
            current = null;
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var stream = new NetworkStream(_socket, ownsSocket: false);
        var reader = PipeReader.Create(stream);
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_stop.Token);
                var buffer = result.Buffer;
                var open = true;
                try
                {
                    while (open && AudioSocketFrameReader.TryRead(ref buffer, MaxPayloadBytes, out var frame))
                    {
                        open = OnFrame(frame);
                    }

                    if (open && result.IsCompleted)
                    {
                        End(CallEndReason.ConnectionClosed);
                        open = false;
                    }
                }
                finally
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                }

                if (!open)
                {
                    return;
                }
            }
        }
        catch (AudioSocketProtocolException ex)
        {
            RecordViolation($"{ex.Message} Asterisk accepts only 0x00 (hangup) and audio 0x10–0x18 and would drop the call.");
            End(CallEndReason.ProtocolViolation);
        }
        catch (OperationCanceledException)
        {
            // End was called.
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            End(CallEndReason.ConnectionLost);   // no-op when we closed the socket ourselves
        }
        finally
        {
            await reader.CompleteAsync();
            await stream.DisposeAsync();
        }
    }

    private bool OnFrame(in AudioSocketFrame frame)
    {
        var kind = frame.Kind;
        if (kind == AudioSocketKind.Hangup)
        {
            End(CallEndReason.BotHungUp);
            return false;
        }

        if (!kind.IsAudio())
        {
            return OnViolation($"The bot sent a message of kind 0x{(byte)kind:X2} ({kind}, {frame.Payload.Length} bytes); Asterisk accepts only 0x00 (hangup) and audio 0x10–0x18 and would drop the call.");
        }

        if (frame.Payload.IsEmpty || frame.Payload.Length % 2 != 0)
        {
            return OnViolation($"The bot sent an audio message (0x{(byte)kind:X2}) of {frame.Payload.Length} bytes; Asterisk rejects empty audio and needs whole 16-bit samples.");
        }

        var received = new ReceivedFrame(Elapsed, kind, frame.Payload.ToArray());
        var duration = TimeSpan.FromSeconds(frame.Payload.Length / 2.0 / kind.SampleRate());
        lock (_gate)
        {
            _received.Add(received);
            _detector.Add(received.Pcm.Span, duration);
            if (_detector.LastFrameWasSpeech)
            {
                _lastLoudAt = received.ArrivedAt;
                _spokeSinceMark = true;
            }
        }

        _botAudio?.Writer.TryWrite(received);
        return true;
    }

    private bool OnViolation(string message)
    {
        RecordViolation(message);
        if (!_options.HangUpOnProtocolViolation)
        {
            return true;
        }

        End(CallEndReason.ProtocolViolation);
        return false;
    }

    private void RecordViolation(string message)
    {
        lock (_gate)
        {
            _violations.Add(message);
        }
    }

    private void End(CallEndReason reason)
    {
        if (!_ended.TrySetResult(reason))
        {
            return;
        }

        lock (_gate)
        {
            _detector.Finish();
        }

        _stop.Cancel();
        CloseSocket();
        _botAudio?.Writer.TryComplete();
    }

    private void CloseSocket()
    {
        lock (_gate)
        {
            if (_socketClosed)
            {
                return;
            }

            _socketClosed = true;
        }

        try
        {
            // FIN first, so the bot reads EOF even if some of its frames were still unread here.
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }

        _socket.Dispose();
    }

    private enum FrameAction
    {
        Audio,
        Dtmf,
        Nothing,
        HangUp,
        Finished,
    }

    private abstract class OutboundSegment(CancellationToken cancellationToken)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationToken CancellationToken { get; } = cancellationToken;

        /// <summary>True once the segment has nothing more to send.</summary>
        public abstract bool IsComplete { get; }

        public abstract FrameAction Next(Span<byte> payload, out char digit);
    }

    private sealed class SpeechSegment(ReadOnlyMemory<byte> pcm, int frameBytes, int? hangUpAfterFrames, CancellationToken cancellationToken)
        : OutboundSegment(cancellationToken)
    {
        private int _offset;
        private int _frames;

        public override bool IsComplete => hangUpAfterFrames is null && _offset >= pcm.Length;

        public override FrameAction Next(Span<byte> payload, out char digit)
        {
            digit = default;
            if (hangUpAfterFrames is { } limit && _frames >= limit)
            {
                return FrameAction.HangUp;
            }

            if (_offset >= pcm.Length)
            {
                return hangUpAfterFrames is null ? FrameAction.Finished : FrameAction.HangUp;
            }

            var count = Math.Min(frameBytes, pcm.Length - _offset);
            pcm.Span.Slice(_offset, count).CopyTo(payload);
            payload[count..].Clear();
            _offset += frameBytes;
            _frames++;
            return FrameAction.Audio;
        }
    }

    private sealed class SilenceSegment(int frames, CancellationToken cancellationToken) : OutboundSegment(cancellationToken)
    {
        private int _remaining = frames;

        public override bool IsComplete => _remaining == 0;

        public override FrameAction Next(Span<byte> payload, out char digit)
        {
            digit = default;
            if (_remaining == 0)
            {
                return FrameAction.Finished;
            }

            _remaining--;
            payload.Clear();
            return FrameAction.Audio;
        }
    }

    private sealed class DtmfSegment(string digits, int toneFrames, int gapFrames, CancellationToken cancellationToken)
        : OutboundSegment(cancellationToken)
    {
        private int _tick;

        // No gap after the last key: the segment ends with its DTMF message.
        public override bool IsComplete => _tick >= (digits.Length * (toneFrames + gapFrames)) - gapFrames;

        public override FrameAction Next(Span<byte> payload, out char digit)
        {
            var perDigit = toneFrames + gapFrames;
            var index = _tick / perDigit;
            if (IsComplete)
            {
                digit = default;
                return FrameAction.Finished;
            }

            var phase = _tick % perDigit;
            _tick++;
            digit = digits[index];

            // Asterisk withholds the audio frames while a key is held and sends the DTMF message at the key's end.
            if (phase < toneFrames - 1)
            {
                return FrameAction.Nothing;
            }

            if (phase == toneFrames - 1)
            {
                return FrameAction.Dtmf;
            }

            payload.Clear();
            return FrameAction.Audio;
        }
    }
}
