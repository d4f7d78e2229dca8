using Microsoft.Extensions.DependencyInjection;
using Voicebot.Bench.Streams;

namespace Voicebot.Bench.Running;

/// <summary>Runs every period on its own silo: idle CPU first, then each number of calls in turn.</summary>
public sealed class StreamLatencyBench(BenchSettings settings)
{
    // Lets the silo finish starting (membership, agents) before the idle measurement.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    private int _runId;

    /// <summary>Runs everything; <paramref name="onResult"/> is called after each run, for progress.</summary>
    /// <param name="onResult">Progress callback.</param>
    /// <param name="cancellationToken">Stops between items; the current silo still shuts down.</param>
    public async Task<IReadOnlyList<RunResult>> RunAsync(Action<RunResult> onResult, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onResult);
        var results = new List<RunResult>();
        for (var i = 0; i < settings.PeriodsMs.Count; i++)
        {
            // The previous silo's garbage would otherwise be collected during this one's measurements.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();

            var periodMs = settings.PeriodsMs[i];
            using var host = BenchSilo.Build(TimeSpan.FromMilliseconds(periodMs), portOffset: i);
            await host.StartAsync(cancellationToken);
            try
            {
                var client = host.Services.GetRequiredService<IClusterClient>();
                var recorder = host.Services.GetRequiredService<LatencyRecorder>();
                if (i == 0)
                {
                    var warmup = settings with { Seconds = settings.ProcessWarmup };
                    await new StreamRun(client, recorder, warmup, ++_runId, periodMs, settings.Calls.Max()).RunAsync(cancellationToken);
                }

                await Task.Delay(Settle, cancellationToken);
                var idle = await MeasureIdleAsync(periodMs, cancellationToken);
                results.Add(idle);
                onResult(idle);

                foreach (var calls in settings.Calls)
                {
                    var run = new StreamRun(client, recorder, settings, ++_runId, periodMs, calls);
                    var result = await run.RunAsync(cancellationToken);
                    results.Add(result);
                    onResult(result);
                }
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }

        return results;
    }

    private async Task<RunResult> MeasureIdleAsync(int periodMs, CancellationToken cancellationToken)
    {
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var started = TimeProvider.System.GetTimestamp();
        await Task.Delay(settings.IdleWindow, cancellationToken);
        var cpu = Environment.CpuUsage.TotalTime - cpuBefore;
        var window = TimeProvider.System.GetElapsedTime(started);
        return new RunResult(periodMs, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null, null, null, Math.Round(100 * cpu / window, 2));
    }
}
