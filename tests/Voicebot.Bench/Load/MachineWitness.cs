using System.Diagnostics;
using Voicebot.Gateway.Pacing;

namespace Voicebot.Bench.Load;

/// <summary>
/// 20 ms tickers that are neither the product nor the bench's runtime: the product's native wire sender library, run
/// with no call in the bench's process, one thread pinned to each CPU (real-time when permitted, like the product's).
/// Their threads never run managed code, so neither runtime's GC stops them. When a tick comes late, the machine held
/// that CPU back (the hypervisor not running the vCPU, a kernel stall): callers' gaps at that instant are the
/// machine's, not the product's. One per CPU because a VM may stall one vCPU only, and the product's sender may be on
/// either.
/// </summary>
internal sealed class MachineWitness : IDisposable
{
    private const double LateMilliseconds = 10;
    private static readonly long MinimumExcess = Stopwatch.Frequency / 100;   // 10 ms past the 20 ms period

    private readonly List<WireSender> _senders = [];
    private readonly Timer? _reader;
    private readonly Lock _gate = new();
    private readonly WireTick[] _buffer = new WireTick[512];
    private readonly List<(long Begin, long End)> _lateTicks = [];
    private LatencyHistogram _lateness = new();
    private bool _disposed;

    public MachineWitness(int realtimePriority)
    {
        for (var cpu = 0; cpu < Environment.ProcessorCount; cpu++)
        {
            if (WireSender.TryStart(realtimePriority, out var unavailable) is not { } sender)
            {
                Unavailable = unavailable;
                break;
            }

            _senders.Add(sender);
            var pinned = sender.PinTo(cpu) == 0;
            Realtime = $"{sender.Realtime.Detail}, {(pinned ? "one pinned to each" : "not pinned; one per")} of {Environment.ProcessorCount} CPUs";
        }

        if (Unavailable is not null)
        {
            _senders.ForEach(s => s.Dispose());
            _senders.Clear();
        }
        else
        {
            // A sender's log holds 164 s of ticks; reading every second never loses one.
            _reader = new Timer(static state => ((MachineWitness)state!).Drain(), this, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Why there is no witness (no native library), or <see langword="null"/>.</summary>
    public string? Unavailable { get; }

    /// <summary>How the witness threads are scheduled and placed.</summary>
    public string Realtime { get; } = "";

    /// <summary>The witness's ticks since the last call, and how late they came.</summary>
    public MachineSelf TakeStep()
    {
        Drain();
        lock (_gate)
        {
            var step = new MachineSelf(_lateness.Count, _lateness.CountAbove(LateMilliseconds), _lateness.CountAbove(40), _lateness.MaxMs, Realtime);
            _lateness = new LatencyHistogram();
            return step;
        }
    }

    /// <summary>
    /// True when the witness's late ticks cover at least half of what <paramref name="gap"/> adds to the 20 ms period:
    /// the machine stalled every process then.
    /// </summary>
    public bool Explains(FrameGap gap)
    {
        lock (_gate)
        {
            return gap.IsMostlyCoveredBy(_lateTicks);
        }
    }

    /// <summary>A late tick of the witness, from <paramref name="due"/> to <paramref name="started"/> (tests).</summary>
    internal void Record(long due, long started)
    {
        lock (_gate)
        {
            _lateTicks.Add((due, started));
        }
    }

    public void Dispose()
    {
        _reader?.Dispose();
        lock (_gate)
        {
            _disposed = true;
            _senders.ForEach(s => s.Dispose());
        }
    }

    private void Drain()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            foreach (var sender in _senders)
            {
                Drain(sender);
            }
        }
    }

    private void Drain(WireSender sender)
    {
        int count;
        while ((count = sender.ReadTicks(_buffer)) > 0)
        {
            foreach (var tick in _buffer.AsSpan(0, count))
            {
                var due = WireSender.FromMonotonicNanoseconds(tick.Due);
                var started = WireSender.FromMonotonicNanoseconds(tick.Started);
                _lateness.Record(Stopwatch.GetElapsedTime(due, started).TotalMilliseconds);
                if (started - due >= MinimumExcess)
                {
                    _lateTicks.Add((due, started));
                }
            }
        }
    }
}
