using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Voicebot.Gateway.Pacing;

/// <summary>
/// The native wire sender (<c>Pacing/Native/voicebot_wire.c</c>, built with the gateway on Linux): one thread outside the
/// .NET runtime that writes one AudioSocket frame per call every 20 ms from frames the calls' sessions queued ahead.
/// The runtime suspends every managed thread for a garbage collection (measured: 25–41 ms now and then, over 100 ms at
/// the start of a full collection under load, README "Performance"); a thread that never runs managed code is not
/// suspended, so the caller keeps hearing the queued audio through the pause.
/// </summary>
/// <remarks>
/// Thread-safe for its own calls; a <see cref="WireSlot"/> has one producer (its session, under the session's lock).
/// Every call into the library is short and never blocks, but for <see cref="TryAdd"/> and <see cref="WireSlot.Remove"/>
/// (which wait for the end of a tick, microseconds) and start/stop.
/// </remarks>
internal sealed partial class WireSender : IDisposable
{
    private const string Library = "voicebot_wire";
    private const int PermissionDenied = 1;   // EPERM

    private readonly Lock _readGate = new();
    private nint _handle;
    private ulong _tickCursor;
    private int _liveSlots;
    private bool _disposeRequested;

    private WireSender(nint handle, RealtimeResult realtime)
    {
        _handle = handle;
        Realtime = realtime;
    }

    /// <summary>Whether the sender's thread runs under real-time scheduling, and why not.</summary>
    public RealtimeResult Realtime { get; }

    /// <summary>
    /// Starts the sender's thread, real-time FIFO at <paramref name="realtimePriority"/> when above 0 and permitted.
    /// Returns <see langword="null"/> with the reason when the native library is not there (not Linux, built without a C
    /// compiler) or the thread cannot start: the pacer then writes frames itself.
    /// </summary>
    public static WireSender? TryStart(int realtimePriority, out string unavailableReason)
    {
        if (!OperatingSystem.IsLinux())
        {
            unavailableReason = "the native wire sender runs on Linux only";
            return null;
        }

        try
        {
            var handle = Start((int)(AudioSocketFrameDuration.Ticks / TimeSpan.TicksPerMicrosecond), realtimePriority, out var result);
            if (handle == 0)
            {
                unavailableReason = "the native wire sender's thread could not start";
                return null;
            }

            unavailableReason = "";
            var realtime = realtimePriority <= 0
                ? new RealtimeResult(false, "real-time priority 0 (off)")
                : result == 0
                    ? new RealtimeResult(true, $"SCHED_FIFO priority {realtimePriority}")
                    : new RealtimeResult(false, result == PermissionDenied
                        ? "not permitted (run as root, grant CAP_SYS_NICE, or raise RLIMIT_RTPRIO: systemd LimitRTPRIO=)"
                        : $"pthread_setschedparam failed with errno {result}");
            return new WireSender(handle, realtime);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            unavailableReason = $"lib{Library}.so is not next to the program ({ex.GetType().Name}); build on Linux with a C compiler (cc)";
            return null;
        }
    }

    /// <summary>
    /// Starts writing to <paramref name="socket"/> (the sender keeps its own duplicate of the descriptor) from the next
    /// tick: queued messages in order, <paramref name="silence"/> whenever none is queued. <see langword="null"/> with
    /// the errno when the slot cannot be made; the caller then paces the call itself.
    /// </summary>
    public WireSlot? TryAdd(Socket socket, int capacity, int messageBytes, ReadOnlySpan<byte> silence, out int error)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var added = false;
        var handle = socket.SafeHandle;
        try
        {
            handle.DangerousAddRef(ref added);
            return AddDescriptor((int)handle.DangerousGetHandle(), capacity, messageBytes, silence, out error);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Copies the ticks run since the last read into <paramref name="ticks"/>; returns how many.</summary>
    public int ReadTicks(Span<WireTick> ticks)
    {
        lock (_readGate)
        {
            ObjectDisposedException.ThrowIf(_handle == 0, this);
            return ReadTicks(_handle, ref _tickCursor, ref MemoryMarshal.GetReference(ticks), ticks.Length);
        }
    }

    /// <summary>From now on each tick in the log carries the sender thread's scheduler counters (time on a CPU, time waiting for one).</summary>
    public void TraceScheduling() => TraceSchedulingOf(_handle);

    /// <summary>
    /// Pages of the sender's own memory (its tick log) not resident now: each would be a page fault, which can hold the
    /// real-time thread back, when the thread first writes it. 0 from the start; -1 when it cannot be told.
    /// </summary>
    internal int PagesNotResident => PagesNotResidentOf(_handle);

    /// <summary>Keeps the sender's thread on CPU <paramref name="cpu"/>; returns 0 or the error number (the capacity bench's witness).</summary>
    internal int PinTo(int cpu) => PinOf(_handle, cpu);

    /// <summary>Ticks the sender has run so far (each writes at most one message per call).</summary>
    public long Ticks => (long)TicksOf(_handle);

    /// <summary>When the sender's next tick is due, in <see cref="Stopwatch"/> timestamps.</summary>
    public long NextDue => FromMonotonicNanoseconds(NextDueOf(_handle));

    /// <summary>Converts the library's CLOCK_MONOTONIC nanoseconds to <see cref="Stopwatch"/> timestamps (the same clock on Linux).</summary>
    internal static long FromMonotonicNanoseconds(long nanoseconds) =>
        Stopwatch.Frequency == 1_000_000_000 ? nanoseconds : (long)(nanoseconds * (Stopwatch.Frequency / 1e9));

    /// <summary>
    /// Stops the sender's thread and frees it — once its last slot is removed, if some are still live (a connection
    /// still closing when the host is disposed): a slot's owner may still touch it until then.
    /// </summary>
    public void Dispose()
    {
        lock (_readGate)
        {
            _disposeRequested = true;
            if (_liveSlots > 0)
            {
                return;
            }
        }

        StopNow();
    }

    internal void SlotRemoved(nint slot)
    {
        Remove(_handle, slot);
        lock (_readGate)
        {
            if (--_liveSlots > 0 || !_disposeRequested)
            {
                return;
            }
        }

        StopNow();
    }

    private void StopNow()
    {
        nint handle;
        lock (_readGate)
        {
            handle = _handle;
            _handle = 0;
        }

        if (handle != 0)
        {
            Stop(handle);
        }
    }

    private WireSlot? AddDescriptor(int descriptor, int capacity, int messageBytes, ReadOnlySpan<byte> silence, out int error)
    {
        lock (_readGate)
        {
            ObjectDisposedException.ThrowIf(_handle == 0 || _disposeRequested, this);
            _liveSlots++;
        }

        var slot = Add(_handle, descriptor, (uint)capacity, (uint)messageBytes, ref MemoryMarshal.GetReference(silence), (uint)silence.Length, out error);
        if (slot == 0)
        {
            lock (_readGate)
            {
                _liveSlots--;
            }

            return null;
        }

        return new WireSlot(this, slot, capacity);
    }

    private static TimeSpan AudioSocketFrameDuration => Protocol.AudioSocketKinds.FrameDuration;

    [LibraryImport(Library, EntryPoint = "vbw_start")]
    private static partial nint Start(int periodMicroseconds, int realtimePriority, out int realtimeResult);

    [LibraryImport(Library, EntryPoint = "vbw_stop")]
    private static partial void Stop(nint sender);

    [LibraryImport(Library, EntryPoint = "vbw_add")]
    private static partial nint Add(nint sender, int descriptor, uint capacity, uint messageBytes, ref byte silence, uint silenceBytes, out int error);

    [LibraryImport(Library, EntryPoint = "vbw_read_ticks")]
    [SuppressGCTransition]
    private static partial int ReadTicks(nint sender, ref ulong cursor, ref WireTick ticks, int max);

    [LibraryImport(Library, EntryPoint = "vbw_trace_scheduling")]
    private static partial void TraceSchedulingOf(nint sender);

    [LibraryImport(Library, EntryPoint = "vbw_ticks")]
    [SuppressGCTransition]
    private static partial ulong TicksOf(nint sender);

    [LibraryImport(Library, EntryPoint = "vbw_next_due")]
    [SuppressGCTransition]
    private static partial long NextDueOf(nint sender);

    [LibraryImport(Library, EntryPoint = "vbw_pin")]
    private static partial int PinOf(nint sender, int cpu);

    [LibraryImport(Library, EntryPoint = "vbw_pages_not_resident")]
    private static partial int PagesNotResidentOf(nint sender);

    [LibraryImport(Library, EntryPoint = "vbw_remove")]
    private static partial void Remove(nint sender, nint slot);

    [LibraryImport(Library, EntryPoint = "vbw_push")]
    [SuppressGCTransition]
    internal static partial int Push(nint slot, ref byte message, uint length);

    [LibraryImport(Library, EntryPoint = "vbw_flush")]
    [SuppressGCTransition]
    internal static partial uint Flush(nint slot);

    [LibraryImport(Library, EntryPoint = "vbw_room")]
    [SuppressGCTransition]
    internal static partial uint Room(nint slot);

    [LibraryImport(Library, EntryPoint = "vbw_set_playing")]
    [SuppressGCTransition]
    internal static partial void SetPlaying(nint slot, int playing);

    [LibraryImport(Library, EntryPoint = "vbw_slot_stats_read")]
    [SuppressGCTransition]
    internal static partial void ReadStats(nint slot, out WireSlotStats stats);
}

/// <summary>
/// One call's queue in the <see cref="WireSender"/>. One producer: the call's session, under its lock. After
/// <see cref="Remove"/> the sender no longer touches the socket and the slot must not be used.
/// </summary>
internal sealed class WireSlot
{
    private readonly WireSender _sender;
    private nint _slot;

    internal WireSlot(WireSender sender, nint slot, int capacity)
    {
        _sender = sender;
        _slot = slot;
        Capacity = capacity;
    }

    /// <summary>Messages the ring holds.</summary>
    public int Capacity { get; }

    /// <summary>When a message queued now behind <paramref name="queued"/> others starts on the wire (Stopwatch timestamp).</summary>
    public long StartOfQueued(int queued) =>
        _sender.NextDue + (queued * Protocol.AudioSocketKinds.FrameDuration.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond);

    /// <summary>Queues one whole message; <see langword="false"/> when the ring is full.</summary>
    public bool TryPush(ReadOnlySpan<byte> message) =>
        WireSender.Push(Live(), ref MemoryMarshal.GetReference(message), (uint)message.Length) == 1;

    /// <summary>Drops what the sender has not started writing; returns how many messages that was.</summary>
    public int Flush() => (int)WireSender.Flush(Live());

    /// <summary>Messages that can be queued now.</summary>
    public int Room => (int)WireSender.Room(Live());

    /// <summary>Tells the sender whether the bot means to be talking (an empty ring is then a starved frame).</summary>
    public void SetPlaying(bool playing) => WireSender.SetPlaying(Live(), playing ? 1 : 0);

    public WireSlotStats ReadStats()
    {
        WireSender.ReadStats(Live(), out var stats);
        return stats;
    }

    /// <summary>Stops writing this call; when it returns the sender has let go of the socket.</summary>
    public void Remove()
    {
        var slot = _slot;
        _slot = 0;
        if (slot != 0)
        {
            _sender.SlotRemoved(slot);
        }
    }

    private nint Live()
    {
        ObjectDisposedException.ThrowIf(_slot == 0, this);
        return _slot;
    }
}

/// <summary>One tick of the wire sender, in CLOCK_MONOTONIC nanoseconds.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct WireTick
{
    public long Due;
    public long Started;
    public long Ended;
    public int Sessions;
    public int Reserved;
    public long RunNanoseconds;
    public long WaitNanoseconds;
}

/// <summary>What the wire sender did for one call so far.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct WireSlotStats
{
    /// <summary>Messages queued and not yet written whole.</summary>
    public ulong Queued;

    /// <summary>Queued messages written whole.</summary>
    public ulong AudioSent;

    /// <summary>Silence frames written because nothing was queued.</summary>
    public ulong SilenceSent;

    /// <summary>Of those, while the session said the bot was talking.</summary>
    public ulong Starved;

    /// <summary>Ticks that wrote nothing or only part of a message (the socket was full).</summary>
    public ulong Blocked;

    /// <summary>errno of the write that failed; 0 while the socket is healthy.</summary>
    public int Error;

    /// <summary>1 once a hang-up (00 00 00) was written whole.</summary>
    public int HangupSent;
}
