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

    public RecordsMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _written = meter.CreateCounter<long>("voicebot.records.written", "{record}", "Call records written to the store on first try.");
        _spooled = meter.CreateCounter<long>("voicebot.records.spooled", "{record}", "Call records spooled to disk because the store failed.");
        _replayed = meter.CreateCounter<long>("voicebot.records.replayed", "{record}", "Spooled call records replayed into the store.");
        _corrupt = meter.CreateCounter<long>("voicebot.records.spool_corrupt", "{file}", "Torn or unreadable spool files moved aside.");
    }

    internal void Written() => _written.Add(1);

    internal void Spooled() => _spooled.Add(1);

    internal void Replayed() => _replayed.Add(1);

    internal void Corrupt() => _corrupt.Add(1);
}
