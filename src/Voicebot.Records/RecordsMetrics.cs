using System.Diagnostics.Metrics;

namespace Voicebot.Records;

/// <summary>Counters on the <c>Voicebot.Records</c> meter. No call id labels: the call id is in the logs and the record.</summary>
public sealed class RecordsMetrics
{
    /// <summary>The meter's name, for exporters.</summary>
    public const string MeterName = "Voicebot.Records";

    private readonly Counter<long> _written;
    private readonly Counter<long> _spooled;
    private readonly Counter<long> _replayed;
    private readonly Counter<long> _corrupt;
    private readonly Meter _meter;

    public RecordsMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = _meter = meterFactory.Create(MeterName);
        _written = meter.CreateCounter<long>("voicebot.records.written", "{record}", "Call records written to the store on first try.");
        _spooled = meter.CreateCounter<long>("voicebot.records.spooled", "{record}", "Call records spooled to disk because the store failed.");
        _replayed = meter.CreateCounter<long>("voicebot.records.replayed", "{record}", "Spooled call records replayed into the store.");
        _corrupt = meter.CreateCounter<long>("voicebot.records.spool_corrupt", "{file}", "Torn or unreadable spool files moved aside.");
    }

    /// <summary>Gauges read from the sink: records queued in memory, and whether the store is considered down.</summary>
    internal void Observe(Func<int> queued, Func<bool> inOutage)
    {
        _meter.CreateObservableGauge("voicebot.records.queued", () => queued(), "{record}", "Call records queued in memory, not yet stored or spooled.");
        _meter.CreateObservableGauge("voicebot.records.outage", () => inOutage() ? 1 : 0, null, "1 while the call record store is failing and records go to the spool.");
    }

    internal void Written() => _written.Add(1);

    internal void Spooled() => _spooled.Add(1);

    internal void Replayed() => _replayed.Add(1);

    internal void Corrupt() => _corrupt.Add(1);
}
