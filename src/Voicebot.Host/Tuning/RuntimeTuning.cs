using System.Runtime;
using Microsoft.Extensions.Options;

namespace Voicebot.Host.Tuning;

/// <summary>
/// Applies <see cref="RuntimeTuningOptions"/> when the host starts. The GC's latency mode is the process's, not the
/// host's: every host in a process (tests run several) sets the same value.
/// </summary>
/// <remarks>
/// A forced compacting collection before readiness was tried here and removed: it showed no gain on the first calls,
/// and a host started beside running calls (several hosts in one test process) stopped them all for a second.
/// </remarks>
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

        Applied(logger, GCSettings.LatencyMode, GCSettings.IsServerGC ? "server" : "workstation");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1, LogLevel.Information, "Runtime: GC latency mode {LatencyMode} ({GcKind} GC).", EventName = "RuntimeTuningApplied")]
    private static partial void Applied(ILogger logger, GCLatencyMode latencyMode, string gcKind);
}
