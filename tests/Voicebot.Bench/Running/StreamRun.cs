using System.Diagnostics;
using Orleans.Streams;
using Voicebot.Bench.Streams;

namespace Voicebot.Bench.Running;

/// <summary>
/// One run: <c>calls</c> concurrent calls publish from outside the grains, as the gateway does, each a fresh 320-byte
/// frame every 20 ms on an absolute schedule plus one DTMF digit a second, and the probe grains time each item.
/// </summary>
public sealed class StreamRun(IClusterClient client, LatencyRecorder recorder, BenchSettings settings, int runId, int periodMs, int calls)
{
    public const int FrameBytes = 320;

    public static readonly TimeSpan FrameInterval = TimeSpan.FromMilliseconds(20);

    private const int DtmfEveryFrames = 50;

    private static readonly TimeSpan MinDrain = TimeSpan.FromSeconds(2);

    public async Task<RunResult> RunAsync(CancellationToken cancellationToken)
    {
        var frameTicks = ToTicks(FrameInterval);
        var warmupFrames = (int)Math.Ceiling(settings.Warmup / FrameInterval);
        var timedFrames = (int)Math.Ceiling(settings.Seconds / FrameInterval);
        var recording = recorder.Begin(runId, calls * (timedFrames + (timedFrames / DtmfEveryFrames) + 2));
        try
        {
            var callIds = new Guid[calls];
            var ready = new Task[calls];
            for (var i = 0; i < calls; i++)
            {
                callIds[i] = Guid.NewGuid();
                ready[i] = client.GetGrain<IMediaProbeGrain>(callIds[i]).ReadyAsync();
            }

            await Task.WhenAll(ready);

            var provider = client.GetStreamProvider(BenchStreams.Provider);
            var start = Stopwatch.GetTimestamp() + frameTicks;
            var publishers = new Task<CallCounts>[calls];
            for (var i = 0; i < calls; i++)
            {
                var stream = provider.GetStream<BenchMedia>(StreamId.Create(BenchStreams.Media, callIds[i]));
                var phase = i * frameTicks / calls;   // real calls are not in phase with each other
                publishers[i] = PublishCallAsync(stream, recording, start + phase, frameTicks, warmupFrames, warmupFrames + timedFrames, cancellationToken);
            }

            await DelayUntilAsync(start + (warmupFrames * frameTicks), cancellationToken);
            var cpuBefore = Environment.CpuUsage.TotalTime;
            var windowStart = Stopwatch.GetTimestamp();
            var counts = await Task.WhenAll(publishers);
            var window = Stopwatch.GetElapsedTime(windowStart);
            var cpu = Environment.CpuUsage.TotalTime - cpuBefore;

            long published = 0, dtmf = 0;
            foreach (var count in counts)
            {
                published += count.Published;
                dtmf += count.Dtmf;
            }

            await DrainAsync(recording, published, cancellationToken);

            var received = recording.Received;
            var delays = recording.SortedDelays();
            var sends = recording.SortedSends();
            return new RunResult(
                periodMs,
                calls,
                published,
                dtmf,
                received,
                Lost: Math.Max(0, published - received),
                recording.OutOfOrder,
                delays.Length,
                ItemsPerSecond: Round(delays.Length / window.TotalSeconds),
                DelayP50Ms: Percentile(delays, 50),
                DelayP99Ms: Percentile(delays, 99),
                DelayMaxMs: Percentile(delays, 100),
                SendP50Ms: Percentile(sends, 50),
                SendP99Ms: Percentile(sends, 99),
                CpuPercent: Round(100 * cpu / window));
        }
        finally
        {
            recorder.End();
        }
    }

    private static async Task<CallCounts> PublishCallAsync(
        IAsyncStream<BenchMedia> stream,
        RunRecording recording,
        long start,
        long frameTicks,
        int warmupFrames,
        int frames,
        CancellationToken cancellationToken)
    {
        long sequence = 0, dtmf = 0;
        for (var frame = 0; frame < frames; frame++)
        {
            await DelayUntilAsync(start + (frame * frameTicks), cancellationToken);
            var measured = frame >= warmupFrames;

            // The gateway copies each frame out of its socket buffer into a new array.
            await PublishAsync(stream, recording, sequence++, measured, new byte[FrameBytes], '\0');
            if (frame % DtmfEveryFrames == DtmfEveryFrames / 2)
            {
                await PublishAsync(stream, recording, sequence++, measured, null, '5');
                dtmf++;
            }
        }

        return new CallCounts(sequence, dtmf);
    }

    private static async Task PublishAsync(IAsyncStream<BenchMedia> stream, RunRecording recording, long sequence, bool measured, byte[]? audio, char digit)
    {
        var sent = Stopwatch.GetTimestamp();
        await stream.OnNextAsync(new BenchMedia(recording.RunId, sequence, sent, measured, audio, digit));
        if (measured)
        {
            recording.RecordSend(Stopwatch.GetTimestamp() - sent);
        }
    }

    private async Task DrainAsync(RunRecording recording, long published, CancellationToken cancellationToken)
    {
        var drain = TimeSpan.FromMilliseconds(20 * periodMs);
        var deadline = Stopwatch.GetTimestamp() + ToTicks(drain > MinDrain ? drain : MinDrain);
        while (recording.Received < published && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
        }
    }

    private static async Task DelayUntilAsync(long timestamp, CancellationToken cancellationToken)
    {
        var now = Stopwatch.GetTimestamp();
        if (timestamp > now)
        {
            await Task.Delay(Stopwatch.GetElapsedTime(now, timestamp), cancellationToken);
        }
    }

    private static long ToTicks(TimeSpan time) => (long)(time.TotalSeconds * Stopwatch.Frequency);

    // Nearest rank; 100 is the maximum.
    private static double? Percentile(ReadOnlySpan<long> sorted, int percent)
    {
        if (sorted.IsEmpty)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Length);
        return Round(sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)] * 1000.0 / Stopwatch.Frequency);
    }

    private static double Round(double value) => Math.Round(value, 2);

    private readonly record struct CallCounts(long Published, long Dtmf);
}
