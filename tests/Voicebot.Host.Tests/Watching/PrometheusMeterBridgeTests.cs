using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;
using Voicebot.Host.Watching;

namespace Voicebot.Host.Tests.Watching;

public sealed class PrometheusMeterBridgeTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ServiceProvider _otherHost = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly PrometheusMeterBridge _bridge;
    private readonly Meter _meter;

    public PrometheusMeterBridgeTests()
    {
        _bridge = new PrometheusMeterBridge(_services.GetRequiredService<IMeterFactory>());
        _meter = _services.GetRequiredService<IMeterFactory>().Create("Voicebot.Test");
    }

    [Fact]
    public async Task Counter_IsAPrometheusCounterWithTotalAndItsTagsAsLabels()
    {
        var counter = _meter.CreateCounter<long>("voicebot.things.done", description: "Things done.");

        counter.Add(2, new KeyValuePair<string, object?>("kind", "a"));
        counter.Add(1, new KeyValuePair<string, object?>("kind", "b"));
        counter.Add(3, new KeyValuePair<string, object?>("kind", "a"));

        var scrape = await ScrapeAsync();
        Assert.Contains("# TYPE voicebot_things_done_total counter", scrape);
        Assert.Contains("voicebot_things_done_total{kind=\"a\"} 5", scrape);
        Assert.Contains("voicebot_things_done_total{kind=\"b\"} 1", scrape);
    }

    [Fact]
    public async Task Histogram_InSeconds_GetsTheSuffixAndTheBucketsItsAdviceDeclares()
    {
        var histogram = _meter.CreateHistogram("voicebot.step.latency", unit: "s", description: null, tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5, 1] });

        histogram.Record(0.3, new KeyValuePair<string, object?>("stage", "tts"));
        histogram.Record(0.7, new KeyValuePair<string, object?>("stage", "tts"));

        var scrape = await ScrapeAsync();
        Assert.Contains("# TYPE voicebot_step_latency_seconds histogram", scrape);
        Assert.Contains("voicebot_step_latency_seconds_bucket{stage=\"tts\",le=\"0.1\"} 0", scrape);
        Assert.Contains("voicebot_step_latency_seconds_bucket{stage=\"tts\",le=\"0.5\"} 1", scrape);
        Assert.Contains("voicebot_step_latency_seconds_bucket{stage=\"tts\",le=\"1\"} 2", scrape);
        Assert.Contains("voicebot_step_latency_seconds_count{stage=\"tts\"} 2", scrape);
    }

    [Fact]
    public async Task ObservableGauge_IsReadAtEachScrape()
    {
        var active = 3;
        _meter.CreateObservableGauge("voicebot.widgets.active", () => active);

        var first = await ScrapeAsync();
        active = 0;
        var second = await ScrapeAsync();

        Assert.Contains("voicebot_widgets_active 3", first);
        Assert.Contains("voicebot_widgets_active 0", second);
    }

    [Fact]
    public async Task MetersOfAnotherHostOrNotOurs_AreNotExported()
    {
        using var otherHost = _otherHost.GetRequiredService<IMeterFactory>().Create("Voicebot.Test");
        using var foreign = new Meter("Some.Library");
        otherHost.CreateCounter<long>("voicebot.other.host").Add(1);
        foreign.CreateCounter<long>("voicebot.foreign").Add(1);

        var scrape = await ScrapeAsync();

        Assert.DoesNotContain("voicebot_other_host", scrape);
        Assert.DoesNotContain("voicebot_foreign", scrape);
    }

    [Fact]
    public async Task OrleansCounterOfThingsPresent_IsAGauge()
    {
        using var orleans = new Meter("Microsoft.Orleans");
        var consumers = orleans.CreateCounter<int>("orleans-streams-pubsub-consumers");
        var tag = new KeyValuePair<string, object?>("provider", "bridge-test-" + Guid.NewGuid().ToString("N"));

        consumers.Add(1, tag);
        consumers.Add(1, tag);
        consumers.Add(-1, tag);

        var scrape = await ScrapeAsync();
        Assert.Contains("# TYPE orleans_streams_pubsub_consumers gauge", scrape);
        Assert.Contains($"orleans_streams_pubsub_consumers{{provider=\"{tag.Value}\"}} 1", scrape);
    }

    [Fact]
    public async Task ProcessCpuAndMemory_AreExported()
    {
        var scrape = await ScrapeAsync();

        Assert.Contains("process_cpu_seconds_total", scrape);
        Assert.Contains("process_working_set_bytes", scrape);
    }

    [Fact]
    public async Task UntaggedHistogram_RecordedEveryTick_DoesNotAllocate()
    {
        var lateness = _meter.CreateHistogram<double>("voicebot.tick.lateness", unit: "s");
        lateness.Record(0.001);   // first measurement creates the metric

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            lateness.Record(0.002);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Contains("voicebot_tick_lateness_seconds_count 1001", await ScrapeAsync());
    }

    public void Dispose()
    {
        _bridge.Dispose();
        _services.Dispose();
        _otherHost.Dispose();
    }

    private async Task<string> ScrapeAsync()
    {
        using var stream = new MemoryStream();
        await _bridge.Registry.CollectAndExportAsTextAsync(stream, ExpositionFormat.PrometheusText, TestContext.Current.CancellationToken);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
