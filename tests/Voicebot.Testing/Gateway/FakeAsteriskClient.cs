using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Voicebot.Protocol;
using Voicebot.Protocol.Client;

namespace Voicebot.Testing.Gateway;

/// <summary>
/// Plays Asterisk's side of an AudioSocket connection over real TCP: sends UUID, audio and DTMF (or raw bytes), and
/// collects every frame the gateway sends until EOF. Sends are serialized, so the audio pump and a test can both send.
/// </summary>
public sealed class FakeAsteriskClient : IAsyncDisposable, IAudioSocketInboundReceiver, IAudioSocketOutboundSource
{
    private readonly AudioSocketClientConnection _connection;
    private readonly Channel<ReceivedFrame> _frames = Channel.CreateUnbounded<ReceivedFrame>();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;
    private readonly List<long> _pumpSentAt = [];
    private readonly Queue<byte[]> _recentAudio = new();
    private Task _pump = Task.CompletedTask;
    private CancellationTokenSource? _pumpStop;

    private FakeAsteriskClient(AudioSocketClientConnection connection)
    {
        _connection = connection;
        _receiving = ReceiveAsync();
    }

    /// <summary>Completes at EOF or reset from the gateway.</summary>
    public Task Closed => _closed.Task;

    /// <summary>True when the connection ended with a reset rather than a clean EOF.</summary>
    public bool WasReset { get; private set; }

    /// <summary>Close the socket the moment the gateway's hang-up arrives, as Asterisk does (about 1 ms later).</summary>
    public bool CloseOnHangup { get; set; }

    /// <summary>Set if the gateway sent bytes that are not a valid AudioSocket message.</summary>
    public Exception? ReceiveError { get; private set; }

    /// <summary>
    /// What the audio pump sends: called once per tick with the pump's frame index (from 0); an empty result sends a
    /// silent frame. May be set while the pump runs; <see langword="null"/> sends silence.
    /// </summary>
    public Func<long, ReadOnlyMemory<byte>>? AudioSource { get; set; }

    /// <summary>Frames the audio pump has written so far.</summary>
    public long PumpFramesSent
    {
        get
        {
            lock (_pumpSentAt)
            {
                return _pumpSentAt.Count;
            }
        }
    }

    public static async Task<FakeAsteriskClient> ConnectAsync(int port, CancellationToken cancellationToken = default)
    {
        var connection = await AudioSocketClientConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken: cancellationToken);
        return new FakeAsteriskClient(connection);
    }

    public Task SendUuidAsync(Guid callId, CancellationToken cancellationToken = default) =>
        _connection.SendUuidAsync(callId, cancellationToken).AsTask();

    public Task SendAudioAsync(ReadOnlyMemory<byte> pcm, AudioSocketKind kind = AudioSocketKind.Audio, CancellationToken cancellationToken = default)
    {
        var writer = new ArrayBufferWriter<byte>();
        AudioSocketFrameWriter.Write(writer, kind, pcm.Span);
        return SendRawAsync(writer.WrittenMemory, cancellationToken);
    }

    public Task SendDtmfAsync(char digit, CancellationToken cancellationToken = default)
    {
        var writer = new ArrayBufferWriter<byte>();
        AudioSocketFrameWriter.WriteDtmf(writer, digit);
        return SendRawAsync(writer.WrittenMemory, cancellationToken);
    }

    /// <summary>Sends bytes as they are, in one write.</summary>
    /// <exception cref="IOException">The connection failed (the gateway reset it), as a stream reports it.</exception>
    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        try
        {
            await _connection.SendAsync(bytes, cancellationToken);
        }
        catch (SocketException ex)
        {
            throw new IOException($"Unable to write to the gateway: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Sends one audio frame of <paramref name="kind"/> every 20 ms until <see cref="StopAudioPumpAsync"/>, like a live
    /// call: silence, or what <see cref="AudioSource"/> returns.
    /// </summary>
    public void StartAudioPump(AudioSocketKind kind = AudioSocketKind.Audio)
    {
        _pumpStop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var token = _pumpStop.Token;
        _pump = Task.Run(() => _connection.RunPacedSendLoopAsync(kind, this, token), CancellationToken.None);
    }

    public async Task StopAudioPumpAsync()
    {
        if (_pumpStop is not null)
        {
            await _pumpStop.CancelAsync();
        }

        await _pump;
    }

    /// <summary>When pump frame <paramref name="index"/> had been written to the socket (Stopwatch ticks).</summary>
    public long PumpFrameSentAt(long index)
    {
        lock (_pumpSentAt)
        {
            return _pumpSentAt[(int)index];
        }
    }

    /// <summary>
    /// The payload of the audio frame received <paramref name="framesAgo"/> audio frames before the latest one (0: the
    /// latest), or <see langword="null"/> before that many have arrived. Up to 50 frames back: enough to play an echo.
    /// </summary>
    public byte[]? ReceivedAudio(int framesAgo)
    {
        lock (_recentAudio)
        {
            var index = _recentAudio.Count - 1 - framesAgo;
            return index >= 0 ? _recentAudio.ElementAt(index) : null;
        }
    }

    /// <summary>The next frame from the gateway, or <see langword="null"/> once the connection has closed.</summary>
    /// <summary>Reads the next <paramref name="count"/> frames into <paramref name="frames"/>; throws if the gateway closes the call.</summary>
    public async Task ReadFramesAsync(List<ReceivedFrame> frames, int count, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frames);
        for (var i = 0; i < count; i++)
        {
            frames.Add(await ReadFrameAsync(cancellationToken) ?? throw new InvalidOperationException("The gateway closed the call."));
        }
    }

    public async ValueTask<ReceivedFrame?> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        while (await _frames.Reader.WaitToReadAsync(cancellationToken))
        {
            if (_frames.Reader.TryRead(out var frame))
            {
                return frame;
            }
        }

        return null;
    }

    /// <summary>Reads frames up to and including the hang-up (00 00 00); returns the frames before it.</summary>
    /// <exception cref="InvalidOperationException">The connection closed without a hang-up frame.</exception>
    public async Task<IReadOnlyList<ReceivedFrame>> ReadUntilHangupAsync(CancellationToken cancellationToken = default)
    {
        var before = new List<ReceivedFrame>();
        while (await ReadFrameAsync(cancellationToken) is { } frame)
        {
            if (frame.Kind == AudioSocketKind.Hangup)
            {
                return before;
            }

            before.Add(frame);
        }

        throw new InvalidOperationException($"The connection closed after {before.Count} frames without a hang-up frame.");
    }

    /// <summary>Reads until EOF; returns the frames received meanwhile.</summary>
    public async Task<IReadOnlyList<ReceivedFrame>> ReadToEndAsync(CancellationToken cancellationToken = default)
    {
        var frames = new List<ReceivedFrame>();
        while (await ReadFrameAsync(cancellationToken) is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }

    /// <summary>Reads frames until <paramref name="predicate"/> matches one; returns the frames read, the match last.</summary>
    public async Task<IReadOnlyList<ReceivedFrame>> ReadUntilAsync(Func<ReceivedFrame, bool> predicate, CancellationToken cancellationToken = default)
    {
        var frames = new List<ReceivedFrame>();
        while (await ReadFrameAsync(cancellationToken) is { } frame)
        {
            frames.Add(frame);
            if (predicate(frame))
            {
                return frames;
            }
        }

        throw new InvalidOperationException($"The connection closed after {frames.Count} frames without the expected frame.");
    }

    /// <summary>Hangs up the way Asterisk does: closes the socket, no 00 00 00.</summary>
    public async Task HangUpAsync()
    {
        await StopAudioPumpAsync();
        _connection.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pump;
        _connection.Dispose();
        await _receiving;
        _stop.Dispose();
        _pumpStop?.Dispose();
    }

    AudioSocketOutboundFrame IAudioSocketOutboundSource.NextFrame(long frameIndex, Span<byte> payload)
    {
        var audio = AudioSource?.Invoke(frameIndex) ?? default;
        if (audio.IsEmpty)
        {
            return AudioSocketOutboundFrame.Silence;
        }

        // The pump's frames are one 20 ms frame of its kind: a shorter one is padded with silence, a longer one cut.
        var length = Math.Min(audio.Length, payload.Length);
        audio.Span[..length].CopyTo(payload);
        payload[length..].Clear();
        return AudioSocketOutboundFrame.Audio;
    }

    void IAudioSocketOutboundSource.OnFrameWritten(AudioSocketOutboundFrame frame, long writtenAt)
    {
        lock (_pumpSentAt)
        {
            _pumpSentAt.Add(writtenAt);
        }
    }

    bool IAudioSocketInboundReceiver.OnAudio(AudioSocketKind kind, ReadOnlySpan<byte> payload, long receivedAt) =>
        OnMessage(kind, payload, receivedAt);

    bool IAudioSocketInboundReceiver.OnHangup(long receivedAt) => OnMessage(AudioSocketKind.Hangup, [], receivedAt);

    bool IAudioSocketInboundReceiver.OnOtherMessage(AudioSocketKind kind, ReadOnlySpan<byte> payload, long receivedAt) =>
        OnMessage(kind, payload, receivedAt);

    private bool OnMessage(AudioSocketKind kind, ReadOnlySpan<byte> payload, long receivedAt)
    {
        var received = new ReceivedFrame(kind, payload.ToArray(), receivedAt);
        if (received.Kind != AudioSocketKind.Hangup)
        {
            lock (_recentAudio)
            {
                _recentAudio.Enqueue(received.Payload);
                if (_recentAudio.Count > 51)
                {
                    _recentAudio.Dequeue();
                }
            }
        }

        _frames.Writer.TryWrite(received);
        if (received.Kind == AudioSocketKind.Hangup && CloseOnHangup)
        {
            // What Asterisk's AudioSocket() does: the bot hung up, the channel leaves, the socket closes.
            _connection.Close();
            return false;
        }

        return true;
    }

    private async Task ReceiveAsync()
    {
        try
        {
            var result = await _connection.RunReceiveLoopAsync(this, ushort.MaxValue, _stop.Token);
            WasReset = result.End == AudioSocketReceiveEnd.ConnectionLost;
            ReceiveError = result.End == AudioSocketReceiveEnd.ProtocolViolation ? result.Error : null;
        }
        finally
        {
            _frames.Writer.TryComplete(ReceiveError);
            _closed.TrySetResult();
        }
    }
}
