using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Voicebot.Protocol;

namespace Voicebot.Testing.Gateway;

/// <summary>
/// Plays Asterisk's side of an AudioSocket connection over real TCP: sends UUID, audio and DTMF (or raw bytes), and
/// collects every frame the gateway sends until EOF. Sends are serialized, so the audio pump and a test can both send.
/// </summary>
public sealed class FakeAsteriskClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Channel<ReceivedFrame> _frames = Channel.CreateUnbounded<ReceivedFrame>();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;
    private readonly List<long> _pumpSentAt = [];
    private readonly Queue<byte[]> _recentAudio = new();
    private Task _pump = Task.CompletedTask;
    private CancellationTokenSource? _pumpStop;

    private FakeAsteriskClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
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
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
        return new FakeAsteriskClient(socket);
    }

    public Task SendUuidAsync(Guid callId, CancellationToken cancellationToken = default)
    {
        var writer = new ArrayBufferWriter<byte>();
        AudioSocketFrameWriter.WriteUuid(writer, callId);
        return SendRawAsync(writer.WrittenMemory, cancellationToken);
    }

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
    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
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
        var silence = new byte[AudioSocketKinds.FrameBytes(kind.SampleRate())];
        _pump = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(AudioSocketKinds.FrameDuration);
            try
            {
                for (long index = 0; await timer.WaitForNextTickAsync(token); index++)
                {
                    var frame = AudioSource?.Invoke(index) ?? default;
                    await SendAudioAsync(frame.IsEmpty ? silence : frame, kind, token);
                    lock (_pumpSentAt)
                    {
                        _pumpSentAt.Add(Stopwatch.GetTimestamp());
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // Stopped, or the gateway closed the connection.
            }
        });
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
        _socket.Shutdown(SocketShutdown.Both);
        _socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pump;
        _socket.Dispose();
        await _receiving;
        await _stream.DisposeAsync();
        _stop.Dispose();
        _pumpStop?.Dispose();
        _sendLock.Dispose();
    }

    private async Task ReceiveAsync()
    {
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_stop.Token);
                var buffer = result.Buffer;
                try
                {
                    while (AudioSocketFrameReader.TryRead(ref buffer, ushort.MaxValue, out var frame))
                    {
                        var received = new ReceivedFrame(frame.Kind, frame.Payload.ToArray(), Stopwatch.GetTimestamp());
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
                            _socket.Shutdown(SocketShutdown.Both);
                            _socket.Close();
                            return;
                        }
                    }

                    if (result.IsCompleted)
                    {
                        return;
                    }
                }
                finally
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            WasReset = ex is IOException or SocketException;
        }
        catch (AudioSocketProtocolException ex)
        {
            ReceiveError = ex;
        }
        finally
        {
            await reader.CompleteAsync();
            _frames.Writer.TryComplete(ReceiveError);
            _closed.TrySetResult();
        }
    }
}
