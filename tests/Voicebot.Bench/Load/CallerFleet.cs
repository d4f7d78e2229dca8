using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Voicebot.Gateway.Pacing;
using Voicebot.Protocol.Client;

namespace Voicebot.Bench.Load;

/// <summary>
/// Every simulated caller of the bench on one clock: a dedicated thread wakes every 20 ms on an absolute schedule and
/// ticks each call (one frame out each), so the load generator costs one wake-up per frame period, not one per call.
/// </summary>
internal sealed class CallerFleet : IDisposable
{
    /// <summary>
    /// With a noisy neighbour, the callers' clock and receive threads run real-time where permitted: they stand for
    /// Asterisk, which a co-located process must not starve (measured: normally scheduled, they saw 115 ms stalls of
    /// their own as the product's gaps). Below the product's sender (10), so they never delay it. Not otherwise: a
    /// real-time managed thread can spin in the runtime's own waits (see OutboundPacer), a risk kept to that mode.
    /// </summary>
    internal const int RealtimePriority = 5;

    private readonly bool _realtime;

    private static readonly long Period = Stopwatch.Frequency / 50;

    private readonly Lock _gate = new();
    private readonly Thread _clock;
    private LoadCaller[] _callers = [];
    private volatile bool _stopping;
    private long _scheduleResets;
    private LatencyHistogram _clockLateness = new();

    public CallerFleet(bool realtime = false)
    {
        _realtime = realtime;
        _clock = new Thread(RunClock) { IsBackground = true, Name = "caller-clock", Priority = ThreadPriority.AboveNormal };
        _clock.Start();
    }

    /// <summary>Times the clock fell more than five frames behind and restarted its schedule.</summary>
    public long ScheduleResets => Interlocked.Read(ref _scheduleResets);

    /// <summary>
    /// Places <paramref name="count"/> calls, spread evenly over <paramref name="stagger"/>. Returns once every call is
    /// connected (or failed to connect), with the callers and their receive loops.
    /// </summary>
    public async Task<IReadOnlyList<(LoadCaller Caller, Task Receiving)>> PlaceCallsAsync(
        int count, TimeSpan stagger, int port, LoadCallerScript script, int firstIndex, CancellationToken cancellationToken)
    {
        var placed = new List<(LoadCaller, Task)>(count);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var due = count == 1 ? TimeSpan.Zero : stagger * i / count;
            var wait = due - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            var connection = new AudioSocketClientConnection(socket);
            var callId = Guid.NewGuid();
            var caller = new LoadCaller(connection, callId, firstIndex + i, script);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                await connection.SendUuidAsync(callId, cancellationToken);   // alone: the fleet's clock sends the audio
            }
            catch (SocketException ex)
            {
                caller.Abort(Stopwatch.GetTimestamp(), "connect failed: " + ex.SocketErrorCode);
                placed.Add((caller, Task.CompletedTask));
                continue;
            }

            placed.Add((caller, caller.ReceiveAsync(cancellationToken, _realtime)));
            lock (_gate)
            {
                _callers = [.. _callers, caller];
            }
        }

        return placed;
    }

    /// <summary>
    /// How late the callers' clock ticked since the last call (ms): when the bench itself stalls (its own GC, no CPU),
    /// every caller hears a gap that is not the product's. Starts a new count.
    /// </summary>
    public LatencyHistogram TakeClockLateness() => Interlocked.Exchange(ref _clockLateness, new LatencyHistogram());

    /// <summary>Forgets the callers that have finished (the clock skips them anyway; this keeps its list short).</summary>
    public void Prune()
    {
        lock (_gate)
        {
            _callers = [.. _callers.Where(c => !c.Finished)];
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _clock.Join();
        foreach (var caller in _callers)
        {
            caller.Abort(Stopwatch.GetTimestamp(), "bench stopped");
        }
    }

    /// <summary>How the callers' threads are scheduled (set once the clock thread has started).</summary>
    public string Scheduling { get; private set; } = "";

    private void RunClock()
    {
        Scheduling = _realtime ? RealtimeScheduling.TryEnterFifo(RealtimePriority).Detail : "normal scheduling";
        var next = Stopwatch.GetTimestamp() + Period;
        while (!_stopping)
        {
            var now = Stopwatch.GetTimestamp();
            if (now < next)
            {
                Thread.Sleep((int)Math.Max(1, (next - now) * 1000 / Stopwatch.Frequency));
                continue;
            }

            Volatile.Read(ref _clockLateness).Record((now - next) * 1000.0 / Stopwatch.Frequency);
            if (now - next > 5 * Period)
            {
                Interlocked.Increment(ref _scheduleResets);
                next = now;
            }

            foreach (var caller in Volatile.Read(ref _callers))
            {
                caller.Tick(now);
            }

            next += Period;
        }
    }
}
