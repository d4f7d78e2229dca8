using System.Net;
using System.Net.Sockets;
using Voicebot.Protocol;
using Voicebot.Protocol.Client;

namespace Voicebot.Cli.Calling;

/// <summary>
/// A real AudioSocket client that behaves like Asterisk on an answered call: sends the UUID, then one paced audio frame
/// every 20 ms on an absolute schedule (silence unless told to speak), DTMF messages at each key's end, and reads the
/// bot's messages concurrently. Works against any AudioSocket server. Thread-safe; one instance per call.
/// </summary>
public sealed class SimulatedCaller : IAsyncDisposable
{
    private const int MaxPayloadBytes = ushort.MaxValue;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    private readonly AudioSocketClientConnection _connection;
    private readonly SimulatedCallerOptions _options;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly int _frameBytes;
    private readonly AudioSocketKind _audioKind;
    private readonly CallerOutbox _outbox;
    private readonly BotListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<CallEndReason> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _sendLoop = Task.CompletedTask;
    private Task _receiveLoop = Task.CompletedTask;

    private SimulatedCaller(AudioSocketClientConnection connection, SimulatedCallerOptions options, Guid callId)
    {
        _connection = connection;
        _options = options;
        _time = options.TimeProvider;
        _origin = _time.GetTimestamp();
        _audioKind = AudioSocketKinds.AudioKindFor(options.SampleRate);
        _frameBytes = AudioSocketKinds.FrameBytes(options.SampleRate);
        _outbox = new CallerOutbox(() => End(CallEndReason.CallerHungUp));
        _listener = new BotListener(options, _origin, End);
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
    public long FramesSent => _outbox.FramesSent;

    /// <summary>DTMF messages sent.</summary>
    public long DtmfSent => _outbox.DtmfSent;

    /// <summary>Times the pacing loop fell more than 100 ms behind and restarted its schedule (0 on a healthy machine).</summary>
    public long ScheduleResets => _connection.ScheduleResets;

    /// <summary>Prompts the bot has finished so far (see <see cref="BotSpeechDetector"/>).</summary>
    public int BotPromptsFinished => _listener.PromptsFinished;

    /// <summary>Messages from the bot that real Asterisk would reject, in order.</summary>
    public IReadOnlyList<string> ProtocolViolations => _listener.Violations;

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

        EndPoint endPoint = IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, port) : new DnsEndPoint(host, port);
        AudioSocketClientConnection connection;
        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connectTimeout.CancelAfter(options.ConnectTimeout);
            try
            {
                connection = await AudioSocketClientConnection.ConnectAsync(endPoint, options.TimeProvider, connectTimeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Connecting to {host}:{port} took longer than {options.ConnectTimeout.TotalSeconds:0.#} s.");
            }
        }

        try
        {
            var caller = new SimulatedCaller(connection, options, options.CallId ?? Guid.NewGuid());
            await caller.StartAsync(cancellationToken);
            return caller;
        }
        catch
        {
            connection.Dispose();
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
            if (_listener.TryConsumeFinishedPrompt(ended, Elapsed, quietNeeded))
            {
                return;
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
    public IReadOnlyList<ReceivedFrame> GetReceivedFrames() => _listener.GetReceivedFrames();

    /// <summary>Everything the bot said so far: the payloads of its audio frames, concatenated.</summary>
    public byte[] GetReceivedAudio() => _listener.GetReceivedAudio();

    /// <summary>
    /// The bot's audio frames as they arrive; ends when the call ends.
    /// Requires <see cref="SimulatedCallerOptions.PublishBotAudio"/>; read it from one consumer only.
    /// </summary>
    public IAsyncEnumerable<ReceivedFrame> ReadBotAudioAsync(CancellationToken cancellationToken = default) =>
        _listener.BotAudio is { } botAudio
            ? botAudio.ReadAllAsync(cancellationToken)
            : throw new InvalidOperationException($"Set {nameof(SimulatedCallerOptions.PublishBotAudio)} to read the bot's audio live.");

    /// <summary>Hangs up if the call is still up and releases the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        End(CallEndReason.CallerHungUp);
        await WaitForLoopsAsync();
        _stop.Dispose();
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        // The UUID goes with a first frame of silence, so the call's rate is known before the send loop starts.
        await _connection.SendUuidAndSilenceAsync(CallId, _audioKind, cancellationToken);
        _outbox.CountFirstFrame();

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

    private void ConsumePrompts() => _listener.ConsumePrompts();

    private async Task RunSegmentAsync(OutboundSegment segment, CancellationToken cancellationToken)
    {
        if (_ended.Task.IsCompleted)
        {
            throw new CallEndedException(await _ended.Task);
        }

        _outbox.Enqueue(segment);
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
        try
        {
            await _connection.RunPacedSendLoopAsync(_audioKind, _outbox, _stop.Token);
        }
        finally
        {
            _outbox.CancelPending();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var result = await _connection.RunReceiveLoopAsync(_listener, MaxPayloadBytes, _stop.Token);
        switch (result.End)
        {
            case AudioSocketReceiveEnd.ServerClosed:
                End(CallEndReason.ConnectionClosed);
                break;

            case AudioSocketReceiveEnd.ProtocolViolation:
                _listener.OnUnreadableMessage(result.Error!);
                End(CallEndReason.ProtocolViolation);
                break;

            case AudioSocketReceiveEnd.ConnectionLost:
                End(CallEndReason.ConnectionLost);
                break;

            default:
                break;   // the receiver ended the call, or End closed the connection
        }
    }

    private void End(CallEndReason reason)
    {
        if (!_ended.TrySetResult(reason))
        {
            return;
        }

        _listener.Finish();
        _stop.Cancel();

        // FIN first, so the bot reads EOF even if some of its frames were still unread here.
        _connection.Close();
        _listener.CompleteBotAudio();
    }
}
