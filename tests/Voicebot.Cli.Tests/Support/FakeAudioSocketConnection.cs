using System.Diagnostics;
using System.Net.Sockets;

namespace Voicebot.Cli.Tests.Support;

/// <summary>One accepted connection: records every message from the caller with its arrival time, and can reply.</summary>
internal sealed class FakeAudioSocketConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private readonly List<ServerFrame> _frames = [];
    private readonly List<byte> _raw = [];
    private readonly TaskCompletionSource<bool> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _readLoop;

    public FakeAudioSocketConnection(Socket socket)
    {
        _socket = socket;
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>Completes when the caller closed the connection: true for a clean EOF, false for a reset.</summary>
    public Task<bool> Closed => _closed.Task;

    public List<ServerFrame> Frames
    {
        get
        {
            lock (_gate)
            {
                return [.. _frames];
            }
        }
    }

    public byte[] RawBytes
    {
        get
        {
            lock (_gate)
            {
                return [.. _raw];
            }
        }
    }

    public TimeSpan Elapsed => _clock.Elapsed;

    public async Task SendAsync(byte[] bytes, CancellationToken cancellationToken) =>
        await _socket.SendAsync(bytes, SocketFlags.None, cancellationToken);

    public static byte[] Frame(byte kind, ReadOnlySpan<byte> payload)
    {
        var bytes = new byte[3 + payload.Length];
        bytes[0] = kind;
        bytes[1] = (byte)(payload.Length >> 8);
        bytes[2] = (byte)payload.Length;
        payload.CopyTo(bytes.AsSpan(3));
        return bytes;
    }

    public async Task WaitUntilAsync(Func<List<ServerFrame>, bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = _clock.Elapsed + timeout;
        while (!condition(Frames))
        {
            if (_clock.Elapsed > deadline)
            {
                throw new TimeoutException("The condition on the received frames was not met in time.");
            }

            await Task.Delay(10, cancellationToken);
        }
    }

    public void Close()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        _socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        Close();
        try
        {
            await _readLoop;
        }
        catch (Exception)
        {
        }
    }

    private async Task ReadLoopAsync()
    {
        var header = new byte[3];
        try
        {
            while (true)
            {
                if (!await ReadExactlyAsync(header))
                {
                    _closed.TrySetResult(true);
                    return;
                }

                var at = _clock.Elapsed;
                var length = (header[1] << 8) | header[2];
                var payload = new byte[length];
                if (length > 0 && !await ReadExactlyAsync(payload))
                {
                    _closed.TrySetResult(true);
                    return;
                }

                lock (_gate)
                {
                    _frames.Add(new ServerFrame(at, header[0], payload));
                    _raw.AddRange(header);
                    _raw.AddRange(payload);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            _closed.TrySetResult(false);
        }
    }

    private async Task<bool> ReadExactlyAsync(byte[] buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await _socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }
}
