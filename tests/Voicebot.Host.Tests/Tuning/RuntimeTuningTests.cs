using System.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Voicebot.Host.Tuning;

namespace Voicebot.Host.Tests.Tuning;

public sealed class RuntimeTuningTests
{
    [Fact]
    public void Validate_Defaults_SustainedLowLatencyAndACompactionBeforeReady()
    {
        var options = new RuntimeTuningOptions();

        var result = new RuntimeTuningOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Equal(GCLatencyMode.SustainedLowLatency, options.GcLatencyMode);
        Assert.True(options.CompactBeforeReady);
    }

    [Fact]
    public void Validate_NoGcRegion_FailsWithTheKeyToFix()
    {
        var result = new RuntimeTuningOptionsValidator().Validate(null, new RuntimeTuningOptions { GcLatencyMode = GCLatencyMode.NoGCRegion });

        Assert.True(result.Failed);
        Assert.Contains("Runtime:GcLatencyMode", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_SetsTheLatencyModeAndCompactsTheHeapOnce()
    {
        var before = GCSettings.LatencyMode;
        var fullCollections = GC.CollectionCount(2);
        try
        {
            var tuning = new RuntimeTuning(
                Options.Create(new RuntimeTuningOptions { GcLatencyMode = GCLatencyMode.SustainedLowLatency, CompactBeforeReady = true }),
                NullLogger<RuntimeTuning>.Instance);

            await tuning.StartAsync(TestContext.Current.CancellationToken);

            Assert.Equal(GCLatencyMode.SustainedLowLatency, GCSettings.LatencyMode);   // test processes run concurrent GC, as the product does
            Assert.True(GC.CollectionCount(2) > fullCollections, "the start-up compaction is a full collection");
        }
        finally
        {
            GCSettings.LatencyMode = before;
        }
    }
}
