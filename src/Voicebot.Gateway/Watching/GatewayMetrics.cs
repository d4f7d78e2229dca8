using System.Diagnostics.Metrics;
using Voicebot.Gateway.Calls;

namespace Voicebot.Gateway.Watching;

/// <summary>
/// The gateway's instruments on the <c>Voicebot.Gateway</c> meter: calls held, admissions refused, how late each
/// outbound tick runs and the frames it could not deliver. No call id as a tag (cardinality). Recording never allocates:
/// the pacer records on every 20 ms tick.
/// </summary>
internal sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "Voicebot.Gateway";

    /// <summary>Tick lateness buckets (seconds): a tick is due every 20 ms, so what matters is 0–40 ms, with a tail for pauses.</summary>
    public static readonly IReadOnlyList<double> FrameLatenessBuckets =
        [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.04, 0.06, 0.1, 0.25, 0.5];

    private static readonly KeyValuePair<string, object?> Busy = new("reason", "busy");
    private static readonly KeyValuePair<string, object?> Duplicate = new("reason", "duplicate");

    private readonly Meter _meter;
    private readonly Counter<long> _refused;
    private readonly Histogram<double> _lateness;
    private readonly Counter<long> _underruns;
    private readonly Counter<long> _starved;
    private readonly Counter<long> _rejected;

    public GatewayMetrics(IMeterFactory meters, CallRegistry calls)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(calls);
        _meter = meters.Create(MeterName);
        _meter.CreateObservableGauge("voicebot.calls.active", () => calls.ActiveCalls, description: "Calls holding a slot on this gateway now.");
        _meter.CreateObservableGauge("voicebot.calls.capacity", () => calls.MaxCalls, description: "Calls this gateway admits at most (AudioSocket:MaxConcurrentCalls).");
        _refused = _meter.CreateCounter<long>("voicebot.admissions.refused",
            description: "Calls refused at admission, by reason (busy: every slot taken; duplicate: the call id is already connected).");
        _lateness = _meter.CreateHistogram(
            "voicebot.frames.lateness",
            unit: "s",
            description: "How late each outbound pacer tick ran after its due time (one frame per call per tick).",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = FrameLatenessBuckets });
        _underruns = _meter.CreateCounter<long>("voicebot.frames.underruns",
            description: "Outbound frames skipped because the call's previous write was still pending (slow socket).");
        _starved = _meter.CreateCounter<long>("voicebot.frames.starved",
            description: "Outbound frames padded with silence because a streamed phrase's next chunk was late.");
        _rejected = _meter.CreateCounter<long>("voicebot.connections.rejected",
            description: "Connections hung up for breaking the AudioSocket protocol before any call existed, by violation.");
    }

    public void ConnectionRejected(Voicebot.Protocol.AudioSocketViolation violation) =>
        _rejected.Add(1, new KeyValuePair<string, object?>("violation", violation.ToString()));

    public void AdmissionRefused(CallAdmission admission)
    {
        if (admission != CallAdmission.Admitted)
        {
            _refused.Add(1, admission == CallAdmission.Busy ? Busy : Duplicate);
        }
    }

    /// <summary>One pacer tick ran <paramref name="lateness"/> after its due time (negative: a hair early, counted as 0).</summary>
    public void TickRan(TimeSpan lateness) => _lateness.Record(lateness > TimeSpan.Zero ? lateness.TotalSeconds : 0);

    public void Underrun() => _underruns.Add(1);

    public void StarvedFrame() => _starved.Add(1);

    public void Dispose() => _meter.Dispose();
}
