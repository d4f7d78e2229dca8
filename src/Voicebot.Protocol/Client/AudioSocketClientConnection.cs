using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Voicebot.Protocol.Client;

/// <summary>
/// Asterisk's side of one AudioSocket TCP connection: the UUID message, a paced send loop (one frame every 20 ms on an
/// absolute schedule), and a receive loop that parses the server's messages and hands them to a receiver. Sends are
/// serialized, so the send loop and other senders can share the connection; one send loop and one receive loop at a
/// time. Owns its socket.
/// </summary>
public sealed class AudioSocketClientConnection : IDisposable
{
    /// <summary>Beyond this lag the send loop restarts its schedule instead of sending the missed frames in a burst.</summary>
    public const int MaxLagFrames = 5;

    private readonly Socket _socket;
    private readonly TimeProvider _time;

    // Never disposed: it holds no wait handle, and a sender racing Dispose must not meet a disposed lock in its finally.
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private long _scheduleResets;
    private int _closed;

    /// <summary>Wraps <paramref name="socket"/>, which must be connected before anything is sent or received.</summary>
    /// <param name="socket">A TCP socket; the connection owns it from now on.</param>
    /// <param name="timeProvider">The clock for pacing and timestamps. Default <see cref="TimeProvider.System"/>.</param>
    public AudioSocketClientConnection(Socket socket, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        _socket = socket;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Times the send loop fell more than <see cref="MaxLagFrames"/> frames behind and restarted its schedule.</summary>
    public long ScheduleResets => Interlocked.Read(ref _scheduleResets);

    /// <summary>True once <see cref="Close"/> or <see cref="Dispose"/> has run.</summary>
    public bool IsClosed => Volatile.Read(ref _closed) == 1;

    /// <summary>Connects to an AudioSocket server (Nagle off: frames leave as they are written).</summary>
    /// <exception cref="SocketException">The connection was refused or failed.</exception>
    public static async Task<AudioSocketClientConnection> ConnectAsync(EndPoint endPoint, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var socket = endPoint is IPEndPoint ip
            ? new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
            : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };   // dual mode: a host name may be either family
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken);
            return new AudioSocketClientConnection(socket, timeProvider);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends the UUID message alone.</summary>
    public ValueTask SendUuidAsync(Guid callId, CancellationToken cancellationToken = default)
    {
        var message = new byte[AudioSocketFrameWriter.FrameSize(AudioSocketPayload.UuidLength)];
        WriteUuid(message, callId);
        return SendAsync(message, cancellationToken);
    }

    /// <summary>
    /// Sends the UUID message and a first frame of silence of <paramref name="audioKind"/> in one write, as a call starts.
    /// </summary>
    /// <remarks>
    /// The gateway learns a call's rate from its first audio and settles on 8 kHz when none comes in time: sent apart, a
    /// send loop slow to start on a loaded machine would turn a 16 kHz call into an 8 kHz one. Asterisk's own first audio
    /// follows its UUID by about 20 ms.
    /// </remarks>
    public ValueTask SendUuidAndSilenceAsync(Guid callId, AudioSocketKind audioKind, CancellationToken cancellationToken = default)
    {
        var uuidSize = AudioSocketFrameWriter.FrameSize(AudioSocketPayload.UuidLength);
        var payloadBytes = AudioSocketKinds.FrameBytes(audioKind.SampleRate());
        var message = new byte[uuidSize + AudioSocketFrameWriter.FrameSize(payloadBytes)];
        WriteUuid(message, callId);
        AudioSocketFrameWriter.WriteHeader(message.AsSpan(uuidSize), audioKind, payloadBytes);   // the payload stays zeros
        return SendAsync(message, cancellationToken);
    }

    /// <summary>Writes <paramref name="message"/> (whole messages, as they are) after any send in progress.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            while (!message.IsEmpty)
            {
                var sent = await _socket.SendAsync(message, SocketFlags.None, cancellationToken);
                message = message[sent..];
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// Writes <paramref name="message"/> on the calling thread (for a caller that paces itself on a clock thread of its own).
    /// </summary>
    public void Send(ReadOnlySpan<byte> message)
    {
        _sendLock.Wait();
        try
        {
            while (!message.IsEmpty)
            {
                var sent = _socket.Send(message, SocketFlags.None);
                message = message[sent..];
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// Sends one message of <paramref name="audioKind"/> every 20 ms (frame n at start + n × 20 ms, so delays never add
    /// up into drift), as <paramref name="source"/> decides, until it hangs up, the token is cancelled or the connection
    /// fails. Allocates its two frame buffers once.
    /// </summary>
    /// <remarks>A socket error ends the loop quietly: the receive loop reports how the call ended.</remarks>
    public async Task RunPacedSendLoopAsync(AudioSocketKind audioKind, IAudioSocketOutboundSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var payloadBytes = AudioSocketKinds.FrameBytes(audioKind.SampleRate());
        var frame = new byte[AudioSocketFrameWriter.FrameSize(payloadBytes)];
        var dtmf = new byte[AudioSocketFrameWriter.FrameSize(1)];
        AudioSocketFrameWriter.WriteHeader(frame, audioKind, payloadBytes);
        var payload = frame.AsMemory(AudioSocketFrameReader.HeaderSize, payloadBytes);
        var origin = _time.GetTimestamp();
        long tick = 0;
        long frameIndex = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                tick++;
                var wait = (AudioSocketKinds.FrameDuration * tick) - _time.GetElapsedTime(origin);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, cancellationToken);
                }
                else if (wait < -(AudioSocketKinds.FrameDuration * MaxLagFrames))
                {
                    // An RTP leg would drop what it could not send in time rather than burst it.
                    origin = _time.GetTimestamp();
                    tick = 0;
                    Interlocked.Increment(ref _scheduleResets);
                }

                var next = source.NextFrame(frameIndex++, payload.Span);
                switch (next.Action)
                {
                    case AudioSocketOutboundAction.Silence:
                        payload.Span.Clear();
                        await SendAsync(frame, cancellationToken);
                        break;

                    case AudioSocketOutboundAction.Audio:
                        await SendAsync(frame, cancellationToken);
                        break;

                    case AudioSocketOutboundAction.Dtmf:
                        AudioSocketFrameWriter.Write(dtmf, AudioSocketKind.Dtmf, [(byte)next.Digit]);
                        await SendAsync(dtmf, cancellationToken);
                        break;
                }

                source.OnFrameWritten(next, _time.GetTimestamp());
                if (next.Action == AudioSocketOutboundAction.HangUp)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Cancelled, or the server went away.
        }
    }

    /// <summary>
    /// Reads the server's messages and hands them to <paramref name="receiver"/> until it says stop, the connection
    /// ends or the token is cancelled. Rents one buffer for the whole loop; allocates nothing per message.
    /// </summary>
    /// <param name="receiver">Handles each message.</param>
    /// <param name="maxPayloadBytes">Largest payload accepted; a larger one is a protocol violation.</param>
    /// <param name="cancellationToken">Stops the loop.</param>
    public async Task<AudioSocketReceiveResult> RunReceiveLoopAsync(IAudioSocketInboundReceiver receiver, int maxPayloadBytes = ushort.MaxValue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        var buffer = RentReceiveBuffer(maxPayloadBytes);
        var filled = 0;
        try
        {
            while (true)
            {
                var read = await _socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    return Closed(AudioSocketReceiveEnd.ServerClosed);
                }

                filled += read;
                if (!Dispatch(receiver, buffer, ref filled, maxPayloadBytes, _time.GetTimestamp()))
                {
                    return new AudioSocketReceiveResult(AudioSocketReceiveEnd.StoppedByReceiver);
                }
            }
        }
        catch (Exception ex) when (IsReceiveEnd(ex, out var result))
        {
            return result;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// <see cref="RunReceiveLoopAsync"/> with blocking reads, for a dedicated thread: a message is timed the moment the
    /// kernel hands it over, however busy the thread pool is. Stopped by <see cref="Close"/>.
    /// </summary>
    public AudioSocketReceiveResult RunReceiveLoop(IAudioSocketInboundReceiver receiver, int maxPayloadBytes = ushort.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        var buffer = RentReceiveBuffer(maxPayloadBytes);
        var filled = 0;
        try
        {
            while (true)
            {
                var read = _socket.Receive(buffer.AsSpan(filled), SocketFlags.None);
                if (read == 0)
                {
                    return Closed(AudioSocketReceiveEnd.ServerClosed);
                }

                filled += read;
                if (!Dispatch(receiver, buffer, ref filled, maxPayloadBytes, _time.GetTimestamp()))
                {
                    return new AudioSocketReceiveResult(AudioSocketReceiveEnd.StoppedByReceiver);
                }
            }
        }
        catch (Exception ex) when (IsReceiveEnd(ex, out var result))
        {
            return result;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Hangs up the way Asterisk does: FIN first (so the server reads EOF), then the socket is released; no 0x00 is
    /// sent. Idempotent and thread-safe; a loop blocked on the socket returns <see cref="AudioSocketReceiveEnd.Cancelled"/>.
    /// </summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            return;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Never connected, or already reset.
        }

        _socket.Dispose();
    }

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();

    private static byte[] RentReceiveBuffer(int maxPayloadBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPayloadBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPayloadBytes, ushort.MaxValue);
        return ArrayPool<byte>.Shared.Rent(AudioSocketFrameWriter.FrameSize(maxPayloadBytes));   // the largest message always fits
    }

    private static void WriteUuid(Span<byte> destination, Guid callId)
    {
        AudioSocketFrameWriter.WriteHeader(destination, AudioSocketKind.Uuid, AudioSocketPayload.UuidLength);
        callId.TryWriteBytes(destination[AudioSocketFrameReader.HeaderSize..], bigEndian: true, out _);   // RFC 4122 order, as uuid_parse
    }

    /// <summary>Hands every whole message in the buffer to the receiver and keeps the rest at its start.</summary>
    private static bool Dispatch(IAudioSocketInboundReceiver receiver, byte[] buffer, ref int filled, int maxPayloadBytes, long receivedAt)
    {
        var pending = new ReadOnlySequence<byte>(buffer, 0, filled);
        var open = true;
        while (open && AudioSocketFrameReader.TryRead(ref pending, maxPayloadBytes, out var frame))
        {
            var payload = frame.Payload.FirstSpan;   // one array, so one segment: the whole payload
            open = frame.Kind switch
            {
                AudioSocketKind.Hangup => receiver.OnHangup(receivedAt),
                var kind when kind.IsAudio() => receiver.OnAudio(kind, payload, receivedAt),
                var kind => receiver.OnOtherMessage(kind, payload, receivedAt),
            };
        }

        var consumed = filled - (int)pending.Length;
        if (consumed > 0)
        {
            buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
            filled -= consumed;
        }

        return open;
    }

    private AudioSocketReceiveResult Closed(AudioSocketReceiveEnd end) =>
        new(IsClosed ? AudioSocketReceiveEnd.Cancelled : end);

    private bool IsReceiveEnd(Exception ex, out AudioSocketReceiveResult result)
    {
        result = ex switch
        {
            AudioSocketProtocolException => new AudioSocketReceiveResult(AudioSocketReceiveEnd.ProtocolViolation, ex),
            OperationCanceledException or ObjectDisposedException => new AudioSocketReceiveResult(AudioSocketReceiveEnd.Cancelled),
            SocketException or IOException when IsClosed => new AudioSocketReceiveResult(AudioSocketReceiveEnd.Cancelled),
            SocketException or IOException => new AudioSocketReceiveResult(AudioSocketReceiveEnd.ConnectionLost, ex),
            _ => default,
        };
        return ex is AudioSocketProtocolException or OperationCanceledException or ObjectDisposedException or SocketException or IOException;
    }
}
