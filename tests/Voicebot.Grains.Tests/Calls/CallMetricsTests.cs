using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Voicebot.Grains.Calls;

namespace Voicebot.Grains.Tests.Calls;

public sealed class CallMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly CallMetrics _metrics;

    public CallMetricsTests()
    {
        _metrics = new CallMetrics(_services.GetRequiredService<IMeterFactory>());
    }

    [Fact]
    public void ProviderFailed_TagsProviderAndKind_KindDefaultsToError()
    {
        using var failures = Collect<long>("voicebot.provider.failures");

        _metrics.ProviderFailed("recognizer");
        _metrics.ProviderFailed("interpreter", "timeout");

        var measurements = failures.GetMeasurementSnapshot();
        Assert.Equal(2, measurements.Count);
        Assert.True(measurements[0].MatchesTags(Tag("provider", "recognizer"), Tag("kind", "error")));
        Assert.True(measurements[1].MatchesTags(Tag("provider", "interpreter"), Tag("kind", "timeout")));
    }

    [Fact]
    public void RecognizerAudioSkipped_AddsSeconds()
    {
        using var skipped = Collect<double>("voicebot.recognizer.audio.skipped");

        _metrics.RecognizerAudioSkipped(TimeSpan.FromSeconds(42.5));

        Assert.Equal(42.5, Assert.Single(skipped.GetMeasurementSnapshot()).Value, precision: 6);
    }

    [Fact]
    public void TurnStage_RecordsSecondsByStage()
    {
        using var stages = Collect<double>("voicebot.turn.stage.latency");

        _metrics.TurnStage("first_frame", TimeSpan.FromMilliseconds(640));

        var measurement = Assert.Single(stages.GetMeasurementSnapshot());
        Assert.Equal(0.64, measurement.Value, precision: 6);
        Assert.True(measurement.MatchesTags(new KeyValuePair<string, object?>("stage", "first_frame")));
    }

    [Fact]
    public void TurnStage_DeclaresBucketsFineBelowASecondUpToFiveSeconds()
    {
        Histogram<double>? histogram = null;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Scope == _services.GetRequiredService<IMeterFactory>() && instrument.Name == "voicebot.turn.stage.latency")
                {
                    histogram = (Histogram<double>)instrument;
                }
            },
        };
        listener.Start();

        var bounds = histogram?.Advice?.HistogramBucketBoundaries;

        Assert.NotNull(bounds);
        Assert.Equal(5, bounds.Max());
        Assert.True(bounds.Count(b => b <= 1) >= 8, "at least 8 buckets below one second");
        Assert.Equal(bounds.Order(), bounds);
    }

    [Fact]
    public void Ended_BargedIn_FalseBargeIn_AreCountedWithoutACallId()
    {
        using var ended = Collect<long>("voicebot.calls.ended");
        using var bargeIns = Collect<long>("voicebot.bargeins");
        using var falseBargeIns = Collect<long>("voicebot.bargeins.false");

        _metrics.Ended("Resolved");
        _metrics.BargedIn("gateway");
        _metrics.FalseBargeIn();

        Assert.True(Assert.Single(ended.GetMeasurementSnapshot()).MatchesTags(new KeyValuePair<string, object?>("outcome", "Resolved")));
        Assert.True(Assert.Single(bargeIns.GetMeasurementSnapshot()).MatchesTags(new KeyValuePair<string, object?>("signal", "gateway")));
        Assert.Empty(Assert.Single(falseBargeIns.GetMeasurementSnapshot()).Tags);
    }

    public void Dispose()
    {
        _metrics.Dispose();
        _services.Dispose();
    }

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);

    private MetricCollector<T> Collect<T>(string instrument)
        where T : struct =>
        new(_services.GetRequiredService<IMeterFactory>(), CallMetrics.MeterName, instrument);
}
