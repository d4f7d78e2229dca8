using System.Runtime;
using Microsoft.Extensions.Options;

namespace Voicebot.Host.Tuning;

/// <summary>
/// Applies <see cref="RuntimeTuningOptions"/>. Registered last among the hosted services, so it starts after the silo
/// and the phrase warm-up and before Kestrel accepts the first call: the collection it may run costs no caller anything.
/// </summary>
internal sealed partial class RuntimeTuning(IOptions<RuntimeTuningOptions> options, ILogger<RuntimeTuning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var tuning = options.Value;
        if (GCSettings.LatencyMode != tuning.GcLatencyMode)
        {
            // SustainedLowLatency only takes with concurrent (background) GC; the runtime keeps its mode otherwise.
            GCSettings.LatencyMode = tuning.GcLatencyMode;
        }

        if (tuning.CompactBeforeReady)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        }

        Applied(logger, GCSettings.LatencyMode, GCSettings.IsServerGC ? "server" : "workstation", tuning.CompactBeforeReady);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1, LogLevel.Information, "Runtime: GC latency mode {LatencyMode} ({GcKind} GC); start-up heap compacted: {Compacted}.", EventName = "RuntimeTuningApplied")]
    private static partial void Applied(ILogger logger, GCLatencyMode latencyMode, string gcKind, bool compacted);
}
