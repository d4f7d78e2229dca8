using System.Runtime.InteropServices;

namespace Voicebot.Gateway.Pacing;

/// <summary>
/// Puts the calling thread under the kernel's real-time FIFO scheduler (<c>sched_setscheduler(0, SCHED_FIFO, …)</c>),
/// so a runnable pacer preempts every normally scheduled thread of the machine — the product's own thread pool, the JIT,
/// another process — instead of waiting for its fair share. Linux only; .NET's <see cref="ThreadPriority"/> does
/// nothing there.
/// </summary>
/// <remarks>
/// The right is the operator's: root, <c>CAP_SYS_NICE</c>, or an <c>RLIMIT_RTPRIO</c> at least the priority asked for
/// (the systemd unit grants <c>LimitRTPRIO=</c>). Without it the call fails with <c>EPERM</c> and the thread keeps normal
/// scheduling. A FIFO thread that never sleeps would own its core; the pacer sleeps between ticks, and the kernel keeps
/// 5 % of every second for normal threads anyway (<c>sched_rt_runtime_us</c>).
/// </remarks>
internal static partial class RealtimeScheduling
{
    private const int SchedFifo = 1;
    private const int PermissionDenied = 1;   // EPERM

    /// <summary>Tries to schedule the calling thread as SCHED_FIFO at <paramref name="priority"/> (1–99).</summary>
    public static RealtimeResult TryEnterFifo(int priority)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(priority, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(priority, 99);
        if (!OperatingSystem.IsLinux())
        {
            return new RealtimeResult(false, "real-time scheduling is only applied on Linux");
        }

        var parameter = new SchedParam { Priority = priority };
        if (SchedSetScheduler(0, SchedFifo, ref parameter) == 0)
        {
            return new RealtimeResult(true, $"SCHED_FIFO priority {priority}");
        }

        var errno = Marshal.GetLastPInvokeError();
        return new RealtimeResult(false, errno == PermissionDenied
            ? "not permitted (run as root, grant CAP_SYS_NICE, or raise RLIMIT_RTPRIO: systemd LimitRTPRIO=)"
            : $"sched_setscheduler failed with errno {errno}");
    }

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SchedSetScheduler(int pid, int policy, ref SchedParam parameter);

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam
    {
        public int Priority;
    }
}

/// <summary>Whether the thread runs under real-time scheduling, and in words why or why not (for the log).</summary>
internal readonly record struct RealtimeResult(bool Applied, string Detail);
