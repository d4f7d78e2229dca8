using System.Diagnostics.Metrics;
using System.IO.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Voicebot.Gateway.Calls;
using Voicebot.Gateway.Pacing;
using Voicebot.Gateway.Watching;
using Voicebot.Protocol;
using Voicebot.Testing.Gateway;

namespace Voicebot.Gateway.Tests.Watching;

public sealed class GatewayMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly CallRegistry _calls = new(Options.Create(new AudioSocketOptions { MaxConcurrentCalls = 2 }));
    private readonly GatewayMetrics _metrics;

    public GatewayMetricsTests()
    {
        _metrics = new GatewayMetrics(_services.GetRequiredService<IMeterFactory>(), _calls);
    }

    [Fact]
    public void ActiveCalls_FollowsTheRegistry()
    {
        using var active = Collect<int>("voicebot.calls.active");
        var first = Guid.NewGuid();
        var now = DateTimeOffset.UnixEpoch;

        _calls.TryAdmit(first, now);
        _calls.TryAdmit(Guid.NewGuid(), now);
        active.RecordObservableInstruments();
        _calls.Release(first);
        active.RecordObservableInstruments();

        Assert.Equal([2, 1], active.GetMeasurementSnapshot().Select(m => m.Value));
    }

    [Fact]
    public void Capacity_IsTheConfiguredLimit()
    {
        using var capacity = Collect<int>("voicebot.calls.capacity");

        capacity.RecordObservableInstruments();

        Assert.Equal(2, capacity.LastMeasurement?.Value);
    }

    [Fact]
    public void AdmissionRefused_CountsBusyAndDuplicateByReason_NotAdmitted()
    {
        using var refused = Collect<long>("voicebot.admissions.refused");

        _metrics.AdmissionRefused(CallAdmission.Admitted);
        _metrics.AdmissionRefused(CallAdmission.Busy);
        _metrics.AdmissionRefused(CallAdmission.Busy);
        _metrics.AdmissionRefused(CallAdmission.Duplicate);

        var measurements = refused.GetMeasurementSnapshot();
        Assert.Equal(2, measurements.Count(m => m.MatchesTags(new KeyValuePair<string, object?>("reason", "busy"))));
        Assert.Equal(1, measurements.Count(m => m.MatchesTags(new KeyValuePair<string, object?>("reason", "duplicate"))));
        Assert.Equal(3, measurements.Count);
    }

    [Fact]
    public void TickRan_RecordsSecondsLate_EarlyCountsAsZero_NoTags()
    {
        using var lateness = Collect<double>("voicebot.frames.lateness");

        _metrics.TickRan(TimeSpan.FromMilliseconds(3));
        _metrics.TickRan(TimeSpan.FromMilliseconds(-0.5));

        var measurements = lateness.GetMeasurementSnapshot();
        Assert.Equal([0.003, 0], measurements.Select(m => Math.Round(m.Value, 6)));
        Assert.All(measurements, m => Assert.Empty(m.Tags));
    }

    [Fact]
    public void FrameLateness_DeclaresBucketsForAFewMillisecondsUpToPauses()
    {
        Histogram<double>? histogram = null;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Scope == _services.GetRequiredService<IMeterFactory>() && instrument.Name == "voicebot.frames.lateness")
                {
                    histogram = (Histogram<double>)instrument;
                }
            },
        };
        listener.Start();

        var bounds = histogram?.Advice?.HistogramBucketBoundaries;

        Assert.NotNull(bounds);
        Assert.Contains(0.001, bounds);
        Assert.Contains(0.02, bounds);
        Assert.True(bounds.Max() >= 0.25);
    }

    [Fact]
    public void TickRan_WithAListener_DoesNotAllocate()
    {
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == GatewayMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        var sum = 0.0;
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => sum += value);
        listener.Start();
        _metrics.TickRan(TimeSpan.FromMilliseconds(1));   // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            _metrics.TickRan(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(sum > 0);
    }

    [Fact]
    public void Pacer_OnItsClock_RecordsTheLatenessOfEveryTick()
    {
        using var lateness = Collect<double>("voicebot.frames.lateness");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 6, 9, 0, 0, TimeSpan.Zero));
        using var pacer = new OutboundPacer(time, NullLogger<OutboundPacer>.Instance, _metrics);
        var pipe = new Pipe(new PipeOptions(useSynchronizationContext: false));
        using var session = new CallSession(Guid.NewGuid(), 8000, pipe.Writer, input: null, new FakeCallControl(), NullLogger.Instance);
        pacer.Add(session);

        time.Advance(AudioSocketKinds.FrameDuration);
        time.Advance(AudioSocketKinds.FrameDuration + TimeSpan.FromMilliseconds(7));   // the second tick wakes 7 ms late

        pacer.Remove(session);
        time.Advance(AudioSocketKinds.FrameDuration);   // a tick with nobody to hear it is not measured

        var measurements = lateness.GetMeasurementSnapshot();
        Assert.Equal(2, measurements.Count);
        Assert.Equal(0, measurements[0].Value);
        Assert.Equal(0.007, measurements[1].Value, precision: 6);
    }

    [Fact]
    public void Underrun_AndStarvedFrame_AreCounted()
    {
        using var underruns = Collect<long>("voicebot.frames.underruns");
        using var starved = Collect<long>("voicebot.frames.starved");

        _metrics.Underrun();
        _metrics.StarvedFrame();
        _metrics.StarvedFrame();

        Assert.Equal(1, underruns.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(2, starved.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    public void Dispose()
    {
        _metrics.Dispose();
        _services.Dispose();
    }

    private MetricCollector<T> Collect<T>(string instrument)
        where T : struct =>
        new(_services.GetRequiredService<IMeterFactory>(), GatewayMetrics.MeterName, instrument);
}
