using System.Buffers;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Voicebot.Protocol;

namespace Voicebot.Bench.Floor;

/// <summary>
/// The least an AudioSocket server can do, as a yardstick: it reads every frame a caller sends and writes one paced
/// 20 ms frame of silence per call per tick from a single clock thread — no stream, no grain, no recording, no logs.
/// The bench runs it as its own process (<c>Voicebot.Bench floor</c>) and measures it with the same callers as the
/// product, so the product's CPU per call can be given as a multiple of this floor, a figure that survives a change of
/// machine better than a percentage of one core.
/// </summary>
internal sealed class FloorServer : IDisposable
{
    private const int FrameBytes = 320;

    private static readonly byte[] SilenceFrame = BuildSilence();
    private static readonly long Period = Stopwatch.Frequency / 50;

    private readonly Socket _listener;
    private readonly Lock _gate = new();
    private readonly Thread _clock;
    private Socket[] _calls = [];
    private volatile bool _stopping;

    public FloorServer(int port)
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        _listener.Listen(512);
        _clock = new Thread(RunClock) { IsBackground = true, Name = "floor-clock" };
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary><c>floor --port P</c>: serves until killed; prints <c>listening PORT</c> once bound.</summary>
    public static Command CreateCommand()
    {
        var port = new Option<int>("--port") { Description = "Loopback port to listen on (0: any free port).", DefaultValueFactory = _ => 0 };
        var command = new Command("floor", "A minimal AudioSocket server (reads frames, writes one paced frame per call per tick), the bench's CPU floor.") { port };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var server = new FloorServer(parse.GetValue(port));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"listening {server.Port}"));
            Console.Out.Flush();
            await server.RunAsync(cancellationToken);
            return 0;
        });
        return command;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _clock.Start();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var socket = await _listener.AcceptAsync(cancellationToken);
                socket.NoDelay = true;
                lock (_gate)
                {
                    _calls = [.. _calls, socket];
                }

                _ = ReadAsync(socket, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _listener.Dispose();
        if (_clock.IsAlive)
        {
            _clock.Join();
        }
    }

    /// <summary>Reads and drops the caller's frames (header by header) until the connection closes.</summary>
    private async Task ReadAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        var filled = 0;
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                filled += read;
                var consumed = 0;
                while (filled - consumed >= 3)
                {
                    var length = (buffer[consumed + 1] << 8) | buffer[consumed + 2];
                    if (filled - consumed < 3 + length)
                    {
                        break;
                    }

                    consumed += 3 + length;
                }

                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // the caller hung up
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            lock (_gate)
            {
                _calls = [.. _calls.Where(c => c != socket)];
            }

            socket.Dispose();
        }
    }

    private void RunClock()
    {
        var next = Stopwatch.GetTimestamp() + Period;
        while (!_stopping)
        {
            var now = Stopwatch.GetTimestamp();
            if (now < next)
            {
                Thread.Sleep((int)Math.Max(1, (next - now) * 1000 / Stopwatch.Frequency));
                continue;
            }

            if (now - next > Period)
            {
                next = now;   // late: one frame per call, never a burst
            }

            foreach (var call in Volatile.Read(ref _calls))
            {
                try
                {
                    call.Send(SilenceFrame, SocketFlags.None);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    // closing; its read loop removes it
                }
            }

            next += Period;
        }
    }

    private static byte[] BuildSilence()
    {
        var frame = new byte[3 + FrameBytes];
        AudioSocketFrameWriter.WriteHeader(frame, AudioSocketKind.Audio, FrameBytes);
        return frame;
    }
}
