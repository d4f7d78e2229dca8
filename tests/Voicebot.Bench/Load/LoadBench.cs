using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Records;
using Voicebot.Records.Storage;
using Voicebot.Testing.Processes;

namespace Voicebot.Bench.Load;

/// <summary>
/// The capacity ramp: starts the provider emulators and the product (its own process), then for each N places N
/// callers over real AudioSocket connections, measures the product while all N are up, waits for every call to end,
/// and reads the calls' records to split each turn's latency between the providers and the bot.
/// </summary>
internal sealed class LoadBench(LoadBenchSettings settings, IAnsiConsole console)
{
    private static readonly TimeSpan RecordWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(5);

    private int _nextCallerIndex;

    public async Task<LoadBenchReport> RunAsync(int warmupCalls, CancellationToken cancellationToken)
    {
        var startedAt = TimeProvider.System.GetUtcNow();
        var work = Directory.CreateTempSubdirectory("voicebot-bench-").FullName;
        try
        {
            await using var emulators = await ProviderEmulators.StartAsync(settings, cancellationToken);
            var environment = ProductEnvironment(emulators, work);
            console.MarkupLine($"[grey]Starting the product (Release, production configuration) in {Markup.Escape(work)}…[/]");
            await using var product = await VoicebotServeProcess.StartAsync(
                new VoicebotServeSettings { Environment = environment, WorkingDirectory = work, KeptLines = 200 }, cancellationToken);
            var store = new SqliteCallRecordStore(environment["Records__SqlitePath"], NullLogger<SqliteCallRecordStore>.Instance);
            using var fleet = new CallerFleet();
            var clock = new WallClock();

            if (warmupCalls > 0)
            {
                console.MarkupLine($"[grey]Warm-up: {warmupCalls} call(s), not measured…[/]");
                var script = LoadCallerScript.For(TimeSpan.FromMilliseconds(200), settings.BargeInEvery);
                var warm = await fleet.PlaceCallsAsync(warmupCalls, TimeSpan.Zero, product.AudioSocketPort, script, NextIndices(warmupCalls), cancellationToken);
                await Task.WhenAll(warm.Select(w => w.Receiving));
                await WaitUntilIdleAsync(product, cancellationToken);
            }

            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            var idleCpu0 = ProcessStats.CpuSeconds(product.Id);
            await Task.Delay(IdleWindow, cancellationToken);
            var idleCpu = (ProcessStats.CpuSeconds(product.Id) - idleCpu0) / IdleWindow.TotalSeconds * 100;
            var idleRss = ProcessStats.RssMegabytes(product.Id);
            console.MarkupLine($"[grey]Idle: {idleRss:0} MB resident, {idleCpu:0.0} % of a core.[/]");

            var steps = new List<LoadStepResult>();
            foreach (var calls in settings.Steps)
            {
                console.MarkupLine($"[bold]N = {calls}[/] [grey](arrivals over {settings.Stagger.TotalSeconds:0} s)…[/]");
                var step = await RunStepAsync(calls, product, fleet, store, clock, idleRss, cancellationToken);
                steps.Add(step);
                console.MarkupLine(
                    $"  CPU {step.CpuPercent:0.0} % ({step.CpuPercentPerCall:0.000} %/call), RSS {step.RssMegabytes:0} MB, " +
                    $"gap p99 {step.FrameGaps.P99:0.0} ms max {step.FrameGaps.Max:0.0} ms, >40 ms: {step.GapsOver40Ms}, " +
                    $"turn p50 {step.TurnLatency.P50:0} ms, bot share p99 {step.BotShare.P99:0.0} ms, failed {step.Failed}" +
                    (step.FailureReasons.Count > 0 ? " (" + Markup.Escape(string.Join("; ", step.FailureReasons.Select(r => $"{r.Value}× {r.Key}"))) + ")" : ""));
                fleet.Prune();
                if (product.HasExited)
                {
                    throw new InvalidOperationException("The product exited during the run:\n" + product.OutputText);
                }

                await WaitUntilIdleAsync(product, cancellationToken);
            }

            var knee = LoadBenchReport.KneeOf(steps);
            var machine = new LoadMachine(
                Environment.ProcessorCount,
                System.Runtime.InteropServices.RuntimeInformation.OSDescription,
                System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
                environment.GetValueOrDefault("DOTNET_gcServer") == "1" ? "server" : "workstation (concurrent)",
                startedAt);
            return new LoadBenchReport(machine, settings, idleRss, idleCpu, steps, knee);
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        }
    }

    private async Task<LoadStepResult> RunStepAsync(
        int calls, VoicebotServeProcess product, CallerFleet fleet, ICallRecordStore store, WallClock clock, double idleRss, CancellationToken cancellationToken)
    {
        var script = LoadCallerScript.For(settings.ThinkTime, settings.BargeInEvery);
        var placed = await fleet.PlaceCallsAsync(calls, settings.Stagger, product.AudioSocketPort, script, NextIndices(calls), cancellationToken);
        var callers = placed.Select(p => p.Caller).ToArray();

        // The window: from the last arrival to the first departure, when all N calls are up together.
        var metrics0 = await MetricsSnapshot.ScrapeAsync(product.Http, cancellationToken);
        var window = Stopwatch.StartNew();
        var cpu0 = ProcessStats.CpuSeconds(product.Id);
        var bench0 = Process.GetCurrentProcess().TotalProcessorTime;
        var rss = ProcessStats.RssMegabytes(product.Id);
        while (!callers.Any(c => c.Finished))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            rss = Math.Max(rss, ProcessStats.RssMegabytes(product.Id));
        }

        var cpu1 = ProcessStats.CpuSeconds(product.Id);
        var bench1 = Process.GetCurrentProcess().TotalProcessorTime;
        var seconds = window.Elapsed.TotalSeconds;
        var metrics1 = await MetricsSnapshot.ScrapeAsync(product.Http, cancellationToken);

        await Task.WhenAll(placed.Select(p => p.Receiving));
        while (!callers.All(c => c.Finished))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        var metrics2 = await MetricsSnapshot.ScrapeAsync(product.Http, cancellationToken);
        var records = await ReadRecordsAsync(store, callers, cancellationToken);
        return Summarize(calls, callers, records, clock, seconds, cpu1 - cpu0, (bench1 - bench0).TotalSeconds, rss, idleRss, metrics0, metrics1, metrics2);
    }

    private static LoadStepResult Summarize(
        int calls,
        LoadCaller[] callers,
        IReadOnlyDictionary<Guid, CallRecord> records,
        WallClock clock,
        double seconds,
        double cpuSeconds,
        double benchCpuSeconds,
        double rss,
        double idleRss,
        MetricsSnapshot start,
        MetricsSnapshot end,
        MetricsSnapshot after)
    {
        var gaps = new LatencyHistogram();
        var turns = new List<double>();
        var spoken = new List<double>();
        var providers = new List<double>();
        var botShares = new List<double>();
        var hearing = new List<double>();
        var replying = new List<double>();
        var reactions = new List<double>();
        var flushes = new List<double>();
        var missed = 0;
        var failures = new Dictionary<string, int>(StringComparer.Ordinal);
        var completed = 0;
        var callSeconds = new List<double>();

        foreach (var caller in callers)
        {
            gaps.Add(caller.Gaps);
            callSeconds.Add((caller.EndedAt - caller.StartedAt) / (double)Stopwatch.Frequency);
            records.TryGetValue(caller.CallId, out var record);
            var failure = caller.Failure
                ?? (record is null ? "no call record"
                    : record.Outcome != CallOutcomeKind.Resolved ? $"outcome {record.Outcome} ({record.EndReason})" : null);
            if (failure is null)
            {
                completed++;
            }
            else
            {
                failures[failure] = failures.GetValueOrDefault(failure) + 1;
            }

            foreach (var turn in caller.Turns.Where(t => t.FirstReplyAt != 0))
            {
                var latency = Milliseconds(turn.FirstReplyAt - turn.InputEndedAt);
                turns.Add(latency);
                if (turn.Kind == "speech")
                {
                    spoken.Add(latency);
                }

                if (record is not null && Match(record, turn, clock) is { } matched)
                {
                    var provider = turn.Kind == "speech" ? matched.Answered?.TotalMilliseconds ?? 0 : 0;
                    if (turn.Kind == "speech")
                    {
                        providers.Add(provider);
                    }

                    botShares.Add(latency - provider);
                    hearing.Add(Math.Max(0, (matched.InputAt - clock.ToUtc(turn.InputEndedAt)).TotalMilliseconds));
                    if (matched is { FirstFrameOut: { } firstFrame, Answered: { } answered })
                    {
                        replying.Add(Math.Max(0, (firstFrame - answered).TotalMilliseconds));
                    }
                }
            }

            foreach (var bargeIn in caller.BargeIns)
            {
                if (bargeIn.LastBotLoudAt != 0 && bargeIn.CallerStoppedAt - bargeIn.LastBotLoudAt < Stopwatch.Frequency / 20)
                {
                    missed++;   // the bot was still talking when the caller stopped
                    continue;
                }

                reactions.Add(Math.Max(0, Milliseconds(bargeIn.LastBotLoudAt - bargeIn.StartedAt)));
                if (bargeIn.DetectorSatisfiedAt != 0)
                {
                    flushes.Add(Math.Max(0, Milliseconds(bargeIn.LastBotLoudAt - bargeIn.DetectorSatisfiedAt)));
                }
            }
        }

        long[] gc = [.. Enumerable.Range(0, 3).Select(g => (long)(end[$"dotnet_collection_count_total{{generation=\"{g}\"}}"] - start[$"dotnet_collection_count_total{{generation=\"{g}\"}}"]))];
        var allocated = end["dotnet_gc_heap_total_allocated_total"] - start["dotnet_gc_heap_total_allocated_total"];
        var cpu = cpuSeconds / seconds * 100;
        return new LoadStepResult(
            calls,
            seconds,
            cpu,
            cpu / calls,
            rss,
            (rss - idleRss) / calls,
            gc,
            (end["dotnet_gc_pause_time_seconds_total"] - start["dotnet_gc_pause_time_seconds_total"]) * 1000,
            allocated / 1048576.0 / calls / seconds,
            SampleStatistics.Summarize(turns),
            SampleStatistics.Summarize(spoken),
            SampleStatistics.Summarize(providers),
            SampleStatistics.Summarize(botShares),
            SampleStatistics.Summarize(reactions),
            SampleStatistics.Summarize(flushes),
            missed,
            gaps.Summary(),
            gaps.CountAbove(40),
            (long)(after.Sum("voicebot_frames_underruns_total") - start.Sum("voicebot_frames_underruns_total")),
            (long)(after.Sum("voicebot_frames_starved_total") - start.Sum("voicebot_frames_starved_total")),
            completed,
            calls - completed,
            (long)(after.Sum("voicebot_admissions_refused_total") - start.Sum("voicebot_admissions_refused_total")),
            failures,
            benchCpuSeconds / seconds * 100,
            callSeconds.Count > 0 ? callSeconds.Average() : 0,
            SampleStatistics.Summarize(hearing),
            SampleStatistics.Summarize(replying));
    }

    /// <summary>The record's turn for the caller's input: same kind, the first whose input the bot heard after the caller's end.</summary>
    private static TurnTiming? Match(CallRecord record, CallerTurn turn, WallClock clock)
    {
        var ended = clock.ToUtc(turn.InputEndedAt);
        return record.Turns
            .Where(t => t.Input == turn.Kind && t.InputAt >= ended - TimeSpan.FromMilliseconds(50) && t.InputAt - ended < TimeSpan.FromSeconds(2))
            .OrderBy(t => t.InputAt)
            .FirstOrDefault();
    }

    private static async Task<IReadOnlyDictionary<Guid, CallRecord>> ReadRecordsAsync(ICallRecordStore store, LoadCaller[] callers, CancellationToken cancellationToken)
    {
        var found = new Dictionary<Guid, CallRecord>();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            foreach (var caller in callers.Where(c => !found.ContainsKey(c.CallId)))
            {
                if (await store.GetAsync(caller.CallId, cancellationToken) is { } record)
                {
                    found[caller.CallId] = record;
                }
            }

            if (found.Count == callers.Length || deadline.Elapsed > RecordWait)
            {
                return found;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    private static async Task WaitUntilIdleAsync(VoicebotServeProcess product, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 600; i++)
        {
            var metrics = await MetricsSnapshot.ScrapeAsync(product.Http, cancellationToken);
            if (metrics["voicebot_calls_active"] == 0)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    private IReadOnlyDictionary<string, string> ProductEnvironment(ProviderEmulators emulators, string work)
    {
        var environment = new Dictionary<string, string>(emulators.ProductSettings(), StringComparer.Ordinal)
        {
            ["AudioSocket__MaxConcurrentCalls"] = Math.Max(20, settings.Steps.Max()).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PhraseCache__Directory"] = Path.Combine(AppContext.BaseDirectory, "data", "bench-phrase-cache"),
            ["Records__SqlitePath"] = Path.Combine(work, "calls.db"),   // also the bench's own default (read back below)
        };
        foreach (var (key, value) in settings.ProductEnvironment)
        {
            environment[key] = value;
        }

        return environment;
    }

    private int NextIndices(int count)
    {
        var first = _nextCallerIndex;
        _nextCallerIndex += count;
        return first;
    }

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>Maps Stopwatch ticks to UTC, to compare the callers' times with the product's records (same machine clock).</summary>
    private sealed class WallClock
    {
        private readonly DateTimeOffset _utc = TimeProvider.System.GetUtcNow();
        private readonly long _ticks = Stopwatch.GetTimestamp();

        public DateTimeOffset ToUtc(long ticks) => _utc + TimeSpan.FromSeconds((ticks - _ticks) / (double)Stopwatch.Frequency);
    }
}
