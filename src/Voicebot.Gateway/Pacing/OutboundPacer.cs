using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Voicebot.Gateway.Calls;
using Voicebot.Gateway.Watching;
using Voicebot.Protocol;

namespace Voicebot.Gateway.Pacing;

/// <summary>
/// The one outbound clock for every call on this gateway: each 20 ms tick writes exactly one frame per session (audio,
/// or silence when nothing is queued). Asterisk neither paces nor re-frames (FACTS §1.5), so this is what the caller hears.
/// </summary>
/// <remarks>
/// Ticks on an absolute schedule (anchor + n × 20 ms), so jitter does not accumulate. On the system clock the ticks run
/// on a dedicated thread: a timer callback waits in the thread pool's queue behind grain work, which under load was the
/// main source of late frames (README, "Performance"). On any other <see cref="TimeProvider"/> (tests) a one-shot
/// <see cref="ITimer"/> re-armed after each tick drives the same schedule. A tick more than one frame late is counted in <see cref="LateTicks"/>, still
/// writes one frame per session (never a burst) and re-anchors the schedule; late ticks are reported every 10 s by a
/// timer (their count and the worst), never logged from the pacer's thread. A session whose previous flush is still
/// pending (slow socket) is skipped and counted in <see cref="Underruns"/>; a streamed phrase whose next chunk is late
/// gets a padded frame, counted in <see cref="StarvedFrames"/>, and never stalls the clock. Thread-safe.
/// The clock thread asks for real-time FIFO scheduling (<see cref="AudioSocketOptions.PacerRealtimePriority"/>) so the
/// machine's other work cannot hold a due tick back; without the right it logs one line and runs normally scheduled.
/// </remarks>
internal sealed class OutboundPacer : IDisposable
{
    // A wake-up this close to the due time counts as on time (system timers have millisecond resolution).
    private static readonly TimeSpan EarlyTolerance = TimeSpan.FromMilliseconds(1);

    // Late ticks are reported at most this often (with how many there were), from a timer: the pacer thread itself never
    // logs — a log write can block (a full stdout pipe, a contended sink), and measured, that stopped every call for 1 s.
    private static readonly TimeSpan LateReportInterval = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly ILogger<OutboundPacer> _logger;
    private readonly GatewayMetrics? _metrics;
    private readonly TimeSpan _period = AudioSocketKinds.FrameDuration;
    private readonly int _realtimePriority;
    private string? _realtimeDetail;
    private readonly string? _traceFile;
    private readonly bool _wireWanted;
    private readonly int _wireLead;
    private readonly WireTick[] _wireTicks = new WireTick[64];
    private WireSender? _wire;
    private PacerTrace? _trace;
    private bool _isRealtime;
    private ITimer? _lateReport;
    private long _lateSinceReport;
    private long _worstLateSinceReport;   // TimeSpan ticks
    private CallSession[] _sessions = [];
    private ITimer? _timer;
    private Thread? _thread;
    private long _anchor;
    private long _ticksSinceAnchor;
    private long _ticks;
    private long _lateTicks;
    private long _underruns;
    private long _starvedFrames;
    private bool _disposed;

    public OutboundPacer(TimeProvider time, ILogger<OutboundPacer> logger, GatewayMetrics? metrics = null, IOptions<AudioSocketOptions>? options = null)
    {
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _realtimePriority = options?.Value.PacerRealtimePriority ?? 0;
        _traceFile = string.IsNullOrWhiteSpace(options?.Value.PacerTraceFile) ? null : options.Value.PacerTraceFile;
        _wireWanted = options?.Value.WireSender ?? false;
        _wireLead = options?.Value.WireLeadFrames ?? 16;
    }

    /// <summary>Messages each call's queue in the wire sender holds: twice the largest lead, so a flush never leaves it full.</summary>
    internal const int WireCapacity = 64;

    /// <summary>Whether the native wire sender writes the calls' frames (known once the clock has started).</summary>
    public bool UsesWireSender => Volatile.Read(ref _wire) is not null;

    /// <summary>How the clock thread is scheduled, in words (known once it has started with a real-time priority).</summary>
    internal string? RealtimeDetail => Volatile.Read(ref _realtimeDetail);

    /// <summary>How the wire sender's thread is scheduled, in words; <see langword="null"/> without the sender.</summary>
    internal string? WireRealtimeDetail => Volatile.Read(ref _wire)?.Realtime.Detail;

    /// <summary>Whether the clock thread runs under real-time scheduling (known once it has started).</summary>
    public bool IsRealtime => Volatile.Read(ref _isRealtime);

    /// <summary>Ticks the wire sender has run so far (0 without the sender).</summary>
    public long WireTicks => Volatile.Read(ref _wire)?.Ticks ?? 0;

    /// <summary>Ticks run so far.</summary>
    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>Ticks that ran more than one frame after their due time (each re-anchored the schedule).</summary>
    public long LateTicks => Interlocked.Read(ref _lateTicks);

    /// <summary>Session-ticks skipped because the session's previous flush was still pending.</summary>
    public long Underruns => Interlocked.Read(ref _underruns);

    /// <summary>Frames of streamed playback padded with silence because the phrase's next chunk was late, all sessions.</summary>
    public long StarvedFrames => Interlocked.Read(ref _starvedFrames);

    /// <summary>Sessions paced now.</summary>
    public int SessionCount => Volatile.Read(ref _sessions).Length;

    /// <summary>
    /// Starts pacing <paramref name="session"/> from the next tick; starts the clock with the first session. With the
    /// connection's <paramref name="socket"/> and the wire sender running, the sender writes the call's frames.
    /// </summary>
    public void Add(CallSession session, Socket? socket = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            StartClockLocked();
            if (socket is not null && _wire is { } wire)
            {
                // Attached before the first tick: the socket must never see the pipe's writes and the sender's together.
                var frame = new byte[AudioSocketFrameReader.HeaderSize + session.FrameBytes];
                AudioSocketFrameWriter.WriteHeader(frame, session.OutboundKind, session.FrameBytes);
                var slot = wire.TryAdd(socket, WireCapacity, frame.Length, frame, out var error);
                if (slot is null)
                {
                    GatewayLog.WireSlotRefused(_logger, session.CallId, error);
                }
                else
                {
                    session.AttachWire(slot, _wireLead);
                }
            }

            _sessions = [.. _sessions, session];
        }
    }

    private void StartClockLocked()
    {
        if (_timer is not null || _thread is not null)
        {
            return;
        }

        if (_wireWanted && _time == TimeProvider.System)
        {
            _wire = WireSender.TryStart(_realtimePriority, out var unavailable);
            if (_traceFile is not null)
            {
                _wire?.TraceScheduling();   // before the first call: every traced tick has the sender's own counters
            }

            var realtime = _wire?.Realtime.Detail;
            ThreadPool.UnsafeQueueUserWorkItem(
                static state =>
                {
                    var (logger, lead, realtime, unavailable) = state;
                    if (realtime is null)
                    {
                        GatewayLog.WireSenderUnavailable(logger, unavailable);
                    }
                    else
                    {
                        GatewayLog.WireSenderStarted(logger, lead, realtime);
                    }
                },
                ((ILogger)_logger, _wireLead * _period.TotalMilliseconds, realtime, unavailable),
                preferLocal: false);
        }

        _anchor = _time.GetTimestamp();
        _ticksSinceAnchor = 1;   // the first tick is due one period after the clock starts
        _lateReport = _time.CreateTimer(static state => ((OutboundPacer)state!).ReportLate(), this, LateReportInterval, LateReportInterval);
        if (_time == TimeProvider.System)
        {
            _thread = new Thread(RunClockThread) { IsBackground = true, Name = "audiosocket-pacer" };
            _thread.Start();
        }
        else
        {
            _timer = _time.CreateTimer(static state => ((OutboundPacer)state!).OnTimer(), this, _period, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Stops pacing <paramref name="session"/>. A tick already running may still write it once.</summary>
    public void Remove(CallSession session)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_sessions, session);
            if (index < 0)
            {
                return;
            }

            var sessions = new CallSession[_sessions.Length - 1];
            Array.Copy(_sessions, 0, sessions, 0, index);
            Array.Copy(_sessions, index + 1, sessions, index, sessions.Length - index);
            _sessions = sessions;
        }
    }

    /// <summary>Writes one frame to every session. Called by the clock; tests call it directly.</summary>
    internal void Tick()
    {
        Interlocked.Increment(ref _ticks);
        var sessions = Volatile.Read(ref _sessions);
        foreach (var session in sessions)
        {
            try
            {
                var written = session.WriteNextFrame(out var underruns, out var starved);
                underruns = written == PacerWrite.Underrun ? Math.Max(underruns, 1) : underruns;
                starved = written == PacerWrite.Starved ? Math.Max(starved, 1) : starved;
                for (var i = 0; i < underruns; i++)
                {
                    Interlocked.Increment(ref _underruns);
                    _metrics?.Underrun();
                }

                for (var i = 0; i < starved; i++)
                {
                    Interlocked.Increment(ref _starvedFrames);
                    _metrics?.StarvedFrame();
                }
            }
            catch (Exception ex)
            {
                // One broken call must not stop the clock for the others.
                GatewayLog.PacerWriteFailed(_logger, session.CallId, ex);
                session.Fail();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
            _lateReport?.Dispose();
            _lateReport = null;
        }

        if (_thread is { } thread && thread != Thread.CurrentThread)
        {
            thread.Join(TimeSpan.FromSeconds(1));
        }

        if (_wire is not null && _trace is not null)
        {
            ReadWireTicks();   // the sender's last ticks, which the pacer thread has not read
        }

        // Every session has removed its slot by now (the connections closed before the gateway is disposed); a slot
        // left behind would only be freed with the process.
        _wire?.Dispose();
        _trace?.Dispose();
    }

    private void OnTimer()
    {
        var wait = RunDueTick();
        lock (_gate)
        {
            _timer?.Change(wait, Timeout.InfiniteTimeSpan);
        }
    }

    private void RunClockThread()
    {
        if (_realtimePriority > 0 && Volatile.Read(ref _wire) is not null)
        {
            // With the wire sender this thread only keeps the calls' queues a whole lead (320 ms) ahead, and it runs
            // managed code: real-time, it would spin in the runtime's own waits (a GC suspension it triggered, a spin
            // lock) where only normal threads can release it. Seen in CI: "sched: RT throttling activated" and every
            // process stalled 2 s. The sender, which never runs managed code, is the one that is real-time.
            Volatile.Write(ref _realtimeDetail, "normal scheduling: the native wire sender (real-time) writes the frames");
        }
        else if (_realtimePriority > 0)
        {
            var realtime = RealtimeScheduling.TryEnterFifo(_realtimePriority);
            Volatile.Write(ref _realtimeDetail, realtime.Detail);
            Volatile.Write(ref _isRealtime, realtime.Applied);

            // Logged from the thread pool: this thread never writes a log line (a blocked write would hold every call).
            ThreadPool.UnsafeQueueUserWorkItem(
                static state =>
                {
                    var (logger, result) = state;
                    if (result.Applied)
                    {
                        GatewayLog.PacerRealtime(logger, result.Detail);
                    }
                    else
                    {
                        GatewayLog.PacerNotRealtime(logger, result.Detail);
                    }
                },
                ((ILogger)_logger, realtime),
                preferLocal: false);
        }

        if (_traceFile is not null)
        {
            _trace = new PacerTrace(_traceFile);
            if (_wire is null)
            {
                _trace.AttachToCurrentThread();   // with the sender, the rows carry its own counters (StartClockLocked)
            }
        }

        while (!Volatile.Read(ref _disposed))
        {
            var wait = RunDueTick();
            if (wait > TimeSpan.Zero)
            {
                Thread.Sleep(wait);
            }
        }
    }

    /// <summary>Counts a late tick for the next report (pacer thread: no lock, no allocation, no I/O).</summary>
    private void CountLate(TimeSpan lateness)
    {
        Interlocked.Increment(ref _lateSinceReport);
        var worst = Interlocked.Read(ref _worstLateSinceReport);
        while (lateness.Ticks > worst)
        {
            var seen = Interlocked.CompareExchange(ref _worstLateSinceReport, lateness.Ticks, worst);
            if (seen == worst)
            {
                break;
            }

            worst = seen;
        }
    }

    /// <summary>Every <see cref="LateReportInterval"/>, on the timer's thread: one warning if any tick came late since the last.</summary>
    private void ReportLate()
    {
        var late = Interlocked.Exchange(ref _lateSinceReport, 0);
        if (late == 0)
        {
            return;
        }

        var worst = TimeSpan.FromTicks(Interlocked.Exchange(ref _worstLateSinceReport, 0));
        GatewayLog.PacerLate(_logger, late, worst.TotalMilliseconds, Volatile.Read(ref _sessions).Length);
    }

    /// <summary>Runs the tick if it is due; returns how long until the next one.</summary>
    private TimeSpan RunDueTick()
    {
        var due = _period * _ticksSinceAnchor;
        var now = _time.GetElapsedTime(_anchor);
        if (now >= due - EarlyTolerance)
        {
            var dueAt = _anchor + (long)(due.TotalSeconds * _time.TimestampFrequency);
            var wired = _wire is not null;
            if (!wired && Volatile.Read(ref _sessions).Length > 0)
            {
                _metrics?.TickRan(now - due);   // lateness only matters when someone hears it
            }

            if (now - due >= _period)
            {
                // Late by a frame or more (GC pause, starved machine): one frame per session, never a catch-up burst.
                // With the wire sender this tick only queues ahead: what callers hear is the sender's ticks, below.
                if (!wired)
                {
                    Interlocked.Increment(ref _lateTicks);
                    CountLate(now - due);
                }

                _anchor = _time.GetTimestamp();
                _ticksSinceAnchor = 0;
            }

            var started = _time.GetTimestamp();
            Tick();
            if (wired)
            {
                ReadWireTicks();
            }
            else
            {
                _trace?.Record(dueAt, started, _time.GetTimestamp(), Volatile.Read(ref _sessions).Length);
            }

            _ticksSinceAnchor++;
            now = _time.GetElapsedTime(_anchor);
        }

        var wait = _period * _ticksSinceAnchor - now;
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    /// <summary>The wire sender's ticks since the last read: their lateness is what callers hear (metric, late report, trace).</summary>
    private void ReadWireTicks()
    {
        int count;
        while ((count = _wire!.ReadTicks(_wireTicks)) > 0)
        {
            for (var i = 0; i < count; i++)
            {
                ref readonly var tick = ref _wireTicks[i];
                var lateness = TimeSpan.FromSeconds((tick.Started - tick.Due) / 1e9);
                if (tick.Sessions > 0)
                {
                    _metrics?.TickRan(lateness);
                }

                if (lateness >= _period)
                {
                    Interlocked.Increment(ref _lateTicks);
                    CountLate(lateness);
                }

                _trace?.Record(
                    WireSender.FromMonotonicNanoseconds(tick.Due),
                    WireSender.FromMonotonicNanoseconds(tick.Started),
                    WireSender.FromMonotonicNanoseconds(tick.Ended),
                    tick.Sessions,
                    (tick.RunNanoseconds, tick.WaitNanoseconds));
            }

            if (count < _wireTicks.Length)
            {
                break;
            }
        }
    }
}
