using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Microsoft.Win32.SafeHandles;

namespace Voicebot.Gateway.Pacing;

/// <summary>
/// A diagnostic record of every pacer tick next to what could have delayed it, written as CSV for the capacity bench
/// (<see cref="AudioSocketOptions.PacerTraceFile"/>; off in production). Per tick: when it was due, started and ended,
/// and the process-wide counters read at its end — GC pause time and collections, JIT time and methods, the thread
/// pool's queue and threads — the pacer thread's own JIT time, and its scheduler counters (time on a CPU and time runnable but
/// waiting for one, from <c>/proc/thread-self/schedstat</c>). The bench compares consecutive ticks: a late tick whose
/// interval holds a GC pause, a run-queue wait or a long previous tick is explained by it.
/// </summary>
/// <remarks>
/// The pacer thread only fills a preallocated ring (no allocation, one <c>pread</c> of schedstat); a background thread
/// appends the new rows to the file once a second. Rows the writer could not keep up with are skipped (a jump in the
/// due times), never blocked on.
/// Runtime suspensions (begin, end, reason) go to a second file through <see cref="RuntimeSuspensionListener"/>.
/// </remarks>
internal sealed class PacerTrace : IDisposable
{
    /// <summary>The CSV header; one row per tick in Stopwatch ticks (<see cref="Stopwatch.Frequency"/> per second) and nanoseconds.</summary>
    public const string Header =
        "due,started,ended,sessions,gc_pause_ticks,gc0,gc1,gc2,jit_ticks,jit_methods,pool_pending,pool_threads,run_ns,wait_ns,own_jit_ticks";

    private const int Capacity = 1 << 14;   // 5.5 minutes of ticks: the writer drains it every second

    private readonly Sample[] _ring = new Sample[Capacity];
    private readonly byte[] _schedstat = new byte[128];
    private readonly string _path;
    private readonly Thread _writer;
    private readonly RuntimeSuspensionListener _suspensions;
    private readonly ManualResetEventSlim _stop = new();
    private SafeFileHandle? _schedstatHandle;
    private long _written;   // next sequence number the pacer writes
    private long _drained;   // next sequence number the writer reads
    private bool _disposed;

    public PacerTrace(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        File.WriteAllText(_path, Header + "\n");
        _suspensions = new RuntimeSuspensionListener(Path.ChangeExtension(_path, ".suspensions.csv"));
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "pacer-trace-writer" };
        _writer.Start();
    }

    /// <summary>Completes once the first runtime suspension has been written (tests wait on it).</summary>
    public Task FirstSuspensionWritten => _suspensions.FirstRowWritten;

    /// <summary>Binds the scheduler counters to the calling thread (the pacer's). Call once, from that thread.</summary>
    public void AttachToCurrentThread()
    {
        if (OperatingSystem.IsLinux() && File.Exists("/proc/thread-self/schedstat"))
        {
            // Opened through thread-self, the handle keeps naming this thread.
            _schedstatHandle = File.OpenHandle("/proc/thread-self/schedstat", FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
    }

    /// <summary>Records one tick. Pacer thread only; allocation-free.</summary>
    public void Record(long due, long started, long ended, int sessions) =>
        Record(due, started, ended, sessions, scheduling: null);

    /// <summary>
    /// Records one tick of another thread that read its own scheduler counters at the end of the tick (the native wire
    /// sender). Pacer thread only; allocation-free.
    /// </summary>
    public void Record(long due, long started, long ended, int sessions, (long Run, long Wait)? scheduling)
    {
        var sequence = _written;
        ref var sample = ref _ring[sequence & (Capacity - 1)];
        sample.Due = due;
        sample.Started = started;
        sample.Ended = ended;
        sample.Sessions = sessions;
        sample.GcPauseTicks = GC.GetTotalPauseDuration().Ticks;
        sample.Gen0 = GC.CollectionCount(0);
        sample.Gen1 = GC.CollectionCount(1);
        sample.Gen2 = GC.CollectionCount(2);
        sample.JitTicks = JitInfo.GetCompilationTime(currentThread: false).Ticks;
        sample.JitMethods = JitInfo.GetCompiledMethodCount(currentThread: false);
        sample.PoolPending = ThreadPool.PendingWorkItemCount;
        sample.PoolThreads = ThreadPool.ThreadCount;
        (sample.RunNanoseconds, sample.WaitNanoseconds) = scheduling ?? ReadSchedstat();
        sample.OwnJitTicks = JitInfo.GetCompilationTime(currentThread: true).Ticks;
        Volatile.Write(ref _written, sequence + 1);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Set();
        _writer.Join(TimeSpan.FromSeconds(5));
        _suspensions.Dispose();
        _schedstatHandle?.Dispose();
        _stop.Dispose();
    }

    /// <summary>Time on a CPU and time waiting on a run queue (ns), the first two fields of schedstat; zeros if unreadable.</summary>
    private (long Run, long Wait) ReadSchedstat()
    {
        if (_schedstatHandle is null)
        {
            return (0, 0);
        }

        try
        {
            var length = RandomAccess.Read(_schedstatHandle, _schedstat, 0);
            var span = _schedstat.AsSpan(0, length);
            var run = ParseNext(ref span);
            var wait = ParseNext(ref span);
            return (run, wait);
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }

    private static long ParseNext(ref Span<byte> span)
    {
        var value = 0L;
        var i = 0;
        while (i < span.Length && span[i] == (byte)' ')
        {
            i++;
        }

        while (i < span.Length && span[i] is >= (byte)'0' and <= (byte)'9')
        {
            value = (value * 10) + (span[i] - '0');
            i++;
        }

        span = span[i..];
        return value;
    }

    private void WriteLoop()
    {
        while (true)
        {
            var stopping = _stop.Wait(TimeSpan.FromSeconds(1));
            Drain();
            if (stopping)
            {
                return;
            }
        }
    }

    private void Drain()
    {
        var written = Volatile.Read(ref _written);
        if (written - _drained > Capacity)
        {
            _drained = written - Capacity;   // a whole ring behind: the oldest rows were overwritten
        }

        if (written == _drained)
        {
            return;
        }

        var text = new System.Text.StringBuilder();
        for (var sequence = _drained; sequence < written; sequence++)
        {
            var s = _ring[sequence & (Capacity - 1)];
            text.Append(CultureInfo.InvariantCulture,
                $"{s.Due},{s.Started},{s.Ended},{s.Sessions},{s.GcPauseTicks},{s.Gen0},{s.Gen1},{s.Gen2},{s.JitTicks},{s.JitMethods},{s.PoolPending},{s.PoolThreads},{s.RunNanoseconds},{s.WaitNanoseconds},{s.OwnJitTicks}\n");
        }

        _drained = written;
        try
        {
            File.AppendAllText(_path, text.ToString());
        }
        catch (IOException)
        {
            // A diagnostic: a full disk loses trace rows, never pacing.
        }
    }

    private struct Sample
    {
        public long Due;
        public long Started;
        public long Ended;
        public int Sessions;
        public long GcPauseTicks;
        public int Gen0;
        public int Gen1;
        public int Gen2;
        public long JitTicks;
        public long JitMethods;
        public long PoolPending;
        public int PoolThreads;
        public long RunNanoseconds;
        public long WaitNanoseconds;
        public long OwnJitTicks;
    }
}
