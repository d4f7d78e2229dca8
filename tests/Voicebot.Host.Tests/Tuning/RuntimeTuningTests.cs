using System.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Voicebot.Host.Tuning;

namespace Voicebot.Host.Tests.Tuning;

public sealed class RuntimeTuningTests
{
    [Fact]
    public void Validate_Defaults_SustainedLowLatency()
    {
        var options = new RuntimeTuningOptions();

        var result = new RuntimeTuningOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Equal(GCLatencyMode.SustainedLowLatency, options.GcLatencyMode);
    }

    [Fact]
    public void Validate_NoGcRegion_FailsWithTheKeyToFix()
    {
        var result = new RuntimeTuningOptionsValidator().Validate(null, new RuntimeTuningOptions { GcLatencyMode = GCLatencyMode.NoGCRegion });

        Assert.True(result.Failed);
        Assert.Contains("Runtime:GcLatencyMode", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_SetsTheProcesssLatencyMode()
    {
        var before = GCSettings.LatencyMode;
        GCSettings.LatencyMode = GCLatencyMode.Interactive;
        try
        {
            var tuning = new RuntimeTuning(
                Options.Create(new RuntimeTuningOptions { GcLatencyMode = GCLatencyMode.SustainedLowLatency }),
                NullLogger<RuntimeTuning>.Instance);

            await tuning.StartAsync(TestContext.Current.CancellationToken);

            Assert.Equal(GCLatencyMode.SustainedLowLatency, GCSettings.LatencyMode);   // test processes run concurrent GC, as the product does
        }
        finally
        {
            GCSettings.LatencyMode = before;
        }
    }
}
