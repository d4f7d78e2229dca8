namespace Voicebot.Bench.Running;

/// <summary>What to run: every pulling period against every number of concurrent calls.</summary>
/// <param name="PeriodsMs">Values of <c>GetQueueMsgsTimerPeriod</c>, in milliseconds; one silo each.</param>
/// <param name="Calls">Numbers of concurrent calls, run one after the other on each silo.</param>
/// <param name="Seconds">Measured window of each run, after <paramref name="Warmup"/>.</param>
/// <param name="Warmup">Publishing before the window (activation, pub-sub lookups): received and counted for loss, not timed.</param>
/// <param name="IdleWindow">Silo CPU with no call, measured once per period.</param>
/// <param name="ProcessWarmup">An untimed run before anything else, so JIT tiering does not land on the first figures.</param>
public sealed record BenchSettings(
    IReadOnlyList<int> PeriodsMs,
    IReadOnlyList<int> Calls,
    TimeSpan Seconds,
    TimeSpan Warmup,
    TimeSpan IdleWindow,
    TimeSpan ProcessWarmup);
