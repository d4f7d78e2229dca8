using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using Prometheus;

namespace Voicebot.Host.Watching;

/// <summary>
/// Publishes System.Diagnostics.Metrics instruments on a prometheus-net registry, so the libraries stay
/// exporter-agnostic: this host's <c>Voicebot.*</c> meters, plus the few Orleans instruments worth a dashboard
/// (grains, activations, stream producers and consumers), plus the process's CPU and memory.
/// </summary>
/// <remarks>
/// Not prometheus-net's own meter adapter: it names a metric after its meter and its instrument
/// (<c>voicebot_calls_voicebot_calls_ended</c>), exposes counters as gauges without <c>_total</c>, and drops series
/// idle for five minutes, which breaks <c>rate()</c> on a quiet night. Here counters stay counters, a histogram takes
/// its buckets from the instrument's advice, and only this host's meters are read (the meter factory is the scope),
/// so two hosts in one process (tests) never mix their figures.
/// </remarks>
public sealed class PrometheusMeterBridge : IDisposable
{
    /// <summary>
    /// Orleans instruments exported, from the <c>Microsoft.Orleans</c> meter (names as in Orleans 10). Each counts
    /// things present now, so each is a gauge, even where Orleans records it on a Counter with negative increments.
    /// </summary>
    public static readonly FrozenSet<string> OrleansInstruments = FrozenSet.ToFrozenSet(
    [
        "orleans-grains",
        "orleans-catalog-activations",
        "orleans-streams-pubsub-producers",
        "orleans-streams-pubsub-consumers",
        "orleans-streams-persistent-stream-pulling-agents",
    ], StringComparer.Ordinal);

    /// <summary>
    /// Runtime instruments exported from the <c>System.Runtime</c> meter, for what <see cref="DotNetStats"/> lacks: the
    /// time the process spent paused by the GC, the bytes it allocated (capacity work reads both per call), and the
    /// time spent compiling methods (a burst of it after a start competes with the calls for CPU).
    /// </summary>
    public static readonly FrozenSet<string> RuntimeInstruments = FrozenSet.ToFrozenSet(
    [
        "dotnet.gc.pause.time",
        "dotnet.gc.heap.total_allocated",
        "dotnet.jit.compilation.time",
        "dotnet.jit.compiled_methods",
    ], StringComparer.Ordinal);

    private const string OrleansMeter = "Microsoft.Orleans";
    private const string RuntimeMeter = "System.Runtime";
    private const string VoicebotMeterPrefix = "Voicebot.";

    private static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener = new();
    private readonly IMeterFactory _meters;
    private readonly IMetricFactory _factory;
    private bool _disposed;

    public PrometheusMeterBridge(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _meters = meters;
        Registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        _factory = Metrics.WithCustomRegistry(Registry);

        _listener.InstrumentPublished = OnInstrumentPublished;
        _listener.SetMeasurementEventCallback<long>(static (instrument, value, tags, state) => ((ExportedInstrument)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (instrument, value, tags, state) => ((ExportedInstrument)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (instrument, value, tags, state) => ((ExportedInstrument)state!).Record(value, tags));
        _listener.Start();

        // Observable instruments (active calls, activations) are read when Prometheus scrapes, not polled.
        Registry.AddBeforeCollectCallback(() =>
        {
            if (!Volatile.Read(ref _disposed))
            {
                _listener.RecordObservableInstruments();
            }
        });
    }

    /// <summary>The registry <c>/metrics</c> serves.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>The Prometheus name of an instrument: dots and dashes become underscores, seconds and counters get their suffixes.</summary>
    public static string PrometheusName(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        return PrometheusName(instrument, ExportedInstrument.KindOf(instrument));
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        _listener.Dispose();
    }

    private static string PrometheusName(Instrument instrument, Kind? kind)
    {
        var name = Sanitize(instrument.Name);
        if (instrument.Unit == "s" && !name.EndsWith("_seconds", StringComparison.Ordinal))
        {
            name += "_seconds";
        }

        return kind is Kind.Counter or Kind.ObservableCounter && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
    }

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        var meter = instrument.Meter;
        var wanted = (meter.Name.StartsWith(VoicebotMeterPrefix, StringComparison.Ordinal) && ReferenceEquals(meter.Scope, _meters))
                     || (meter.Name == OrleansMeter && OrleansInstruments.Contains(instrument.Name))
                     || (meter.Name == RuntimeMeter && RuntimeInstruments.Contains(instrument.Name));
        if (wanted && ExportedInstrument.KindOf(instrument) is { } kind)
        {
            listener.EnableMeasurementEvents(instrument, new ExportedInstrument(instrument, kind, _factory));
        }
    }

    private static string Sanitize(string name)
    {
        var chars = name.ToLowerInvariant().ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(chars[i]) && chars[i] != '_')
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }

    private enum Kind
    {
        Counter,
        ObservableCounter,
        UpDownCounter,
        Gauge,
        Histogram,
    }

    /// <summary>One instrument and its Prometheus metric, created at its first measurement (when its tag names are known).</summary>
    private sealed class ExportedInstrument(Instrument instrument, Kind kind, IMetricFactory factory)
    {
        private readonly Lock _gate = new();
        private readonly string _name = PrometheusName(instrument, kind);
        private readonly string _help = string.IsNullOrEmpty(instrument.Description) ? instrument.Name : instrument.Description;
        private Collector? _metric;
        private string[] _tagKeys = [];
        private object? _unlabelled;

        public static Kind? KindOf(Instrument instrument)
        {
            if (!instrument.GetType().IsGenericType)
            {
                return null;
            }

            var definition = instrument.GetType().GetGenericTypeDefinition();
            if (instrument.Meter.Name == OrleansMeter && (definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>)))
            {
                return definition == typeof(Counter<>) ? Kind.UpDownCounter : Kind.Gauge;
            }

            return definition == typeof(Counter<>) ? Kind.Counter
                : definition == typeof(ObservableCounter<>) ? Kind.ObservableCounter
                : definition == typeof(UpDownCounter<>) ? Kind.UpDownCounter
                : definition == typeof(ObservableGauge<>) || definition == typeof(ObservableUpDownCounter<>) ? Kind.Gauge
                : definition == typeof(Histogram<>) ? Kind.Histogram
                : null;
        }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            // The hot path (the pacer's per-tick histogram) has no tags: one cached child, no allocation.
            var child = tags.Length == 0 && _unlabelled is { } cached ? cached : Child(tags);
            switch (kind)
            {
                case Kind.Counter when value > 0:
                    ((ICounter)child).Inc(value);
                    break;
                case Kind.ObservableCounter:
                    ((ICounter)child).IncTo(value);
                    break;
                case Kind.UpDownCounter:
                    ((IGauge)child).Inc(value);
                    break;
                case Kind.Gauge:
                    ((IGauge)child).Set(value);
                    break;
                case Kind.Histogram:
                    ((IHistogram)child).Observe(value);
                    break;
            }
        }

        private object Child(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var metric = Volatile.Read(ref _metric) ?? Create(tags);
            var values = new string[_tagKeys.Length];
            for (var i = 0; i < _tagKeys.Length; i++)
            {
                values[i] = string.Empty;
                foreach (var tag in tags)
                {
                    if (tag.Key == _tagKeys[i])
                    {
                        values[i] = Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
                        break;
                    }
                }
            }

            // Without labels the metric itself is the series (ICounter, IGauge, IHistogram).
            object child = values.Length == 0 ? metric : metric switch
            {
                Counter counter => counter.WithLabels(values),
                Gauge gauge => gauge.WithLabels(values),
                Histogram histogram => histogram.WithLabels(values),
                _ => throw new InvalidOperationException($"Unexpected metric type {metric.GetType()}."),
            };
            if (values.Length == 0)
            {
                _unlabelled = child;
            }

            return child;
        }

        private Collector Create(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var keys = new string[tags.Length];
            for (var i = 0; i < tags.Length; i++)
            {
                keys[i] = tags[i].Key;
            }

            Array.Sort(keys, StringComparer.Ordinal);
            lock (_gate)
            {
                if (_metric is not null)
                {
                    return _metric;
                }

                // The label set is fixed by the first measurement; a later tag outside it is dropped, a missing one is "".
                var labels = keys.Select(Sanitize).ToArray();
                _tagKeys = keys;
                Collector metric = kind switch
                {
                    Kind.Counter or Kind.ObservableCounter => factory.CreateCounter(_name, _help, labels),
                    Kind.UpDownCounter or Kind.Gauge => factory.CreateGauge(_name, _help, labels),
                    _ => factory.CreateHistogram(_name, _help, labels, new HistogramConfiguration { Buckets = Buckets(instrument) }),
                };
                Volatile.Write(ref _metric, metric);
                return metric;
            }
        }

        private static double[] Buckets(Instrument instrument) => instrument switch
        {
            Histogram<double> { Advice.HistogramBucketBoundaries: { Count: > 0 } bounds } => [.. bounds],
            Histogram<long> { Advice.HistogramBucketBoundaries: { Count: > 0 } bounds } => [.. bounds.Select(b => (double)b)],
            Histogram<int> { Advice.HistogramBucketBoundaries: { Count: > 0 } bounds } => [.. bounds.Select(b => (double)b)],
            _ => DefaultBuckets,
        };
    }
}
