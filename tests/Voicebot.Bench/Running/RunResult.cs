namespace Voicebot.Bench.Running;

/// <summary>Figures of one run (one pulling period, one number of calls). Times in milliseconds.</summary>
/// <param name="PeriodMs">The pulling agents' <c>GetQueueMsgsTimerPeriod</c>.</param>
/// <param name="Calls">Concurrent calls; 0 for the idle measurement (only <paramref name="CpuPercent"/> is set).</param>
/// <param name="Published">Items published, warm-up included (frames and DTMF).</param>
/// <param name="DtmfPublished">Of which DTMF digits.</param>
/// <param name="Received">Items the grains received, warm-up included.</param>
/// <param name="Lost">Published items that never reached a grain before the drain deadline.</param>
/// <param name="OutOfOrder">Items that did not follow their call's previous item.</param>
/// <param name="Timed">Items received in the measured window, whose delays make the percentiles.</param>
/// <param name="ItemsPerSecond">Timed items delivered per second of the measured window.</param>
/// <param name="DelayP50Ms">Publisher's timestamp before <c>OnNextAsync</c> to the grain's handler, median (null when none).</param>
/// <param name="DelayP99Ms">Same, 99th percentile.</param>
/// <param name="DelayMaxMs">Same, maximum.</param>
/// <param name="SendP50Ms">The publisher's <c>OnNextAsync</c> time (the gateway's read loop waits that long), median.</param>
/// <param name="SendP99Ms">Same, 99th percentile.</param>
/// <param name="CpuPercent">Process CPU over the measured window (silo, co-hosted client and publishers), as % of one core.</param>
public sealed record RunResult(
    int PeriodMs,
    int Calls,
    long Published,
    long DtmfPublished,
    long Received,
    long Lost,
    long OutOfOrder,
    long Timed,
    double ItemsPerSecond,
    double? DelayP50Ms,
    double? DelayP99Ms,
    double? DelayMaxMs,
    double? SendP50Ms,
    double? SendP99Ms,
    double CpuPercent);
