using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Records;
using Voicebot.Bench.Running;
using Voicebot.Records.Storage;
using Voicebot.Testing;
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
    private BenchPauses? _benchPauses;
    private MachineWitness? _machine;

    public async Task<LoadBenchReport> RunAsync(int warmupCalls, CancellationToken cancellationToken)
    {
        var startedAt = TimeProvider.System.GetUtcNow();
        var work = Directory.CreateTempSubdirectory("voicebot-bench-").FullName;
        try
        {
            await using var emulators = await ProviderEmulators.StartAsync(settings, cancellationToken);
            var environment = ProductEnvironment(emulators, work);
            var tracePath = environment.GetValueOrDefault("AudioSocket__PacerTraceFile");
            console.MarkupLine($"[grey]Starting the product (Release, production configuration) in {Markup.Escape(work)}…[/]");
            await using var product = await VoicebotServeProcess.StartAsync(
                new VoicebotServeSettings { Environment = environment, WorkingDirectory = work, KeptLines = 200 }, cancellationToken);
            var store = new SqliteCallRecordStore(environment["Records__SqlitePath"], NullLogger<SqliteCallRecordStore>.Instance);
            using var fleet = new CallerFleet(realtime: settings.NeighbourLoad > 0);
            using var benchPauses = new BenchPauses();
            _benchPauses = benchPauses;
            using var witness = new MachineWitness(realtimePriority: 10);
            _machine = witness;
            console.MarkupLine(witness.Unavailable is { } unavailable
                ? $"[yellow]No machine witness: {Markup.Escape(unavailable)}.[/]"
                : $"[grey]Machine witness: a native 20 ms ticker in the bench's process ({Markup.Escape(witness.Realtime)}).[/]");
            await Waits.UntilAsync(() => fleet.Scheduling.Length > 0, cancellationToken);
            console.MarkupLine($"[grey]Callers' clock and receive threads: {Markup.Escape(fleet.Scheduling)}.[/]");
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
                var step = await RunStepAsync(calls, product, fleet, store, clock, idleRss, tracePath, cancellationToken);
                steps.Add(step);
                console.MarkupLine(
                    $"  CPU {step.CpuPercent:0.0} % ({step.CpuPercentPerCall:0.000} %/call), RSS {step.RssMegabytes:0} MB, " +
                    $"gap p99 {step.FrameGaps.P99:0.0} ms max {step.FrameGaps.Max:0.0} ms, >40 ms: {step.GapsOver40Ms}, " +
                    $"turn p50 {step.TurnLatency.P50:0} ms, bot share p99 {step.BotShare.P99:0.0} ms, failed {step.Failed}" +
                    (step.FailureReasons.Count > 0 ? " (" + Markup.Escape(string.Join("; ", step.FailureReasons.Select(r => $"{r.Value}× {r.Key}"))) + ")" : ""));
                if (step.Pacer is { } pacer)
                {
                    console.MarkupLine(Markup.Escape(
                        $"  pacer lateness p50 {pacer.LatenessP50:0.0} p99 {pacer.LatenessP99:0.0} p99.9 {pacer.LatenessP999:0.0} max {pacer.LatenessMax:0.0} ms; " +
                        $"late >{PacerTraceAnalysis.LateThresholdMilliseconds:0} ms: {pacer.LateTicks} ({LoadReportWriter.DescribeCauses(pacer.LateCauses)}); " +
                        $"GC suspensions {pacer.GcSuspensions} (max {pacer.GcSuspensionMaxMs:0.0} ms), other {pacer.OtherSuspensions} (max {pacer.OtherSuspensionMaxMs:0.0} ms); " +
                        $"JIT {pacer.JitMs:0} ms; pacer waited for a CPU {pacer.RunQueueWaitMs:0} ms"));
                }

                fleet.Prune();
                if (product.HasExited)
                {
                    throw new InvalidOperationException("The product exited during the run:\n" + product.OutputText);
                }

                await WaitUntilIdleAsync(product, cancellationToken);
            }

            var floors = new List<FloorComparison>();
            foreach (var calls in settings.FloorCalls ?? [])
            {
                console.MarkupLine($"[bold]Floor comparison, N = {calls}[/] [grey](listen-only callers: the minimal server, then the product)…[/]");
                var comparison = await CompareWithFloorAsync(calls, product, fleet, steps, tracePath, cancellationToken);
                floors.Add(comparison);
                console.MarkupLine(Markup.Escape(LoadReportWriter.DescribeFloor(comparison)));
                fleet.Prune();
                await WaitUntilIdleAsync(product, cancellationToken);
            }

            var knee = LoadBenchReport.KneeOf(steps);
            var machine = new LoadMachine(
                Environment.ProcessorCount,
                System.Runtime.InteropServices.RuntimeInformation.OSDescription,
                System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
                environment.GetValueOrDefault("DOTNET_gcServer") == "1" ? "server" : "workstation (concurrent)",
                startedAt);
            return new LoadBenchReport(machine, settings, idleRss, idleCpu, steps, knee, floors);
        }
        finally
        {
            try
            {
                if (settings.KeepWorkDirectory)
                {
                    console.MarkupLine($"[grey]Kept the product's directory (trace, logs, records): {Markup.Escape(work)}[/]");
                }
                else
                {
                    Directory.Delete(work, recursive: true);
                }
            }
            catch (IOException)
            {
                // best effort
            }
        }
    }

    private async Task<LoadStepResult> RunStepAsync(
        int calls, VoicebotServeProcess product, CallerFleet fleet, ICallRecordStore store, WallClock clock, double idleRss, string? tracePath, CancellationToken cancellationToken)
    {
        var script = LoadCallerScript.For(settings.ThinkTime, settings.BargeInEvery);
        var stepStarted = Stopwatch.GetTimestamp();
        var jit0 = await MetricsSnapshot.ScrapeAsync(product.Http, cancellationToken);
        fleet.TakeClockLateness();
        _machine?.TakeStep();
        var benchPause0 = GC.GetTotalPauseDuration();
        var benchGen20 = GC.CollectionCount(2);

        // The noisy neighbour loads every core for the whole step, from before the first caller to after the last.
        using var neighbour = settings.NeighbourLoad > 0
            ? BenchChildProcess.Start("hog", "--load", settings.NeighbourLoad.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : null;
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

        var stepEnded = Stopwatch.GetTimestamp();
        neighbour?.Dispose();
        var clockLateness = fleet.TakeClockLateness();
        var benchSelf = new BenchSelf(
            clockLateness.Summary(),
            clockLateness.CountAbove(20),
            (GC.GetTotalPauseDuration() - benchPause0).TotalMilliseconds,
            GC.CollectionCount(2) - benchGen20);
        var machineSelf = _machine?.TakeStep();
        var metrics2 = await MetricsSnapshot.ScrapeAsync(product.Http, cancellationToken);
        var records = await ReadRecordsAsync(store, callers, cancellationToken);
        var result = Summarize(calls, callers, records, clock, seconds, cpu1 - cpu0, (bench1 - bench0).TotalSeconds, rss, idleRss, metrics0, metrics1, metrics2);
        var benchGaps = BenchGaps(callers);
        var machineGaps = MachineGaps(callers);

        // The pacer's view covers the whole step (arrivals included: that is when a cold product compiles most).
        await Task.Delay(TimeSpan.FromSeconds(1.5), cancellationToken);   // the product appends its trace once a second
        var pacer = tracePath is null ? null : PacerTraceAnalysis.Analyze(tracePath, stepStarted, stepEnded);
        var lateWrites = tracePath is null ? null : PacerTraceAnalysis.ReadLateWrites(tracePath, stepStarted, stepEnded);
        var jitMs = (metrics2[JitSeries] - jit0[JitSeries]) * 1000;
        return result with
        {
            Pacer = pacer,
            JitMilliseconds = jitMs,
            Bench = benchSelf with { GapsOver40Ms = benchGaps },
            Machine = machineSelf is null ? null : machineSelf with { GapsOver40Ms = machineGaps },
            ReceiverGapsOver40Ms = lateWrites is null ? 0 : ReceiverGaps(callers, lateWrites),
        };
    }

    /// <summary>
    /// N listen-only callers against the minimal server (its own process), then the same against the product: CPU per
    /// call of each over the window when all N are connected, and the product's as a multiple of the floor's.
    /// </summary>
    private async Task<FloorComparison> CompareWithFloorAsync(
        int calls, VoicebotServeProcess product, CallerFleet fleet, IReadOnlyList<LoadStepResult> steps, string? tracePath, CancellationToken cancellationToken)
    {
        ListenResult floor;
        using (var server = BenchChildProcess.Start("floor", "--port", "0"))
        {
            var ready = await server.ReadLineAsync(cancellationToken);
            var port = int.Parse(ready.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);   // let its start-up settle before measuring
            floor = await ListenAsync(calls, port, server.Id, fleet, cancellationToken);
        }

        fleet.Prune();
        var listenStarted = Stopwatch.GetTimestamp();
        var productListen = await ListenAsync(calls, product.AudioSocketPort, product.Id, fleet, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(1.5), cancellationToken);   // the product appends its trace once a second
        var pacer = tracePath is null ? null : PacerTraceAnalysis.Analyze(tracePath, listenStarted, Stopwatch.GetTimestamp());
        var flow = steps.FirstOrDefault(s => s.Calls == calls);
        return new FloorComparison(
            calls,
            floor.CpuPercent / calls,
            productListen.CpuPercent / calls,
            flow?.CpuPercentPerCall ?? double.NaN,
            floor.Gaps,
            floor.GapsOver40Ms,
            productListen.Gaps,
            productListen.GapsOver40Ms,
            floor.Failed + productListen.Failed,
            pacer);
    }

    private async Task<ListenResult> ListenAsync(int calls, int port, int serverPid, CallerFleet fleet, CancellationToken cancellationToken)
    {
        var script = LoadCallerScript.ListenOnly(settings.Stagger + (settings.FloorListen > TimeSpan.Zero ? settings.FloorListen : TimeSpan.FromSeconds(12)));
        var placed = await fleet.PlaceCallsAsync(calls, settings.Stagger, port, script, NextIndices(calls), cancellationToken);
        var callers = placed.Select(p => p.Caller).ToArray();
        var window = Stopwatch.StartNew();
        var cpu0 = ProcessStats.CpuSeconds(serverPid);
        while (!callers.Any(c => c.Finished))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        var cpu = (ProcessStats.CpuSeconds(serverPid) - cpu0) / window.Elapsed.TotalSeconds * 100;
        await Task.WhenAll(placed.Select(p => p.Receiving));
        while (!callers.All(c => c.Finished))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        var gaps = new LatencyHistogram();
        foreach (var caller in callers)
        {
            gaps.Add(caller.Gaps);
        }

        return new ListenResult(cpu, gaps.Summary(), gaps.CountAbove(40) - BenchGaps(callers) - MachineGaps(callers), callers.Count(c => c.Failure is not null));
    }

    private const string JitSeries = "dotnet_jit_compilation_time_seconds_total";

    /// <summary>Gaps over 40 ms the callers heard while the bench itself was paused by its GC.</summary>
    private long BenchGaps(IEnumerable<LoadCaller> callers) =>
        _benchPauses is null ? 0 : callers.SelectMany(c => c.LongGaps).LongCount(_benchPauses.Explains);

    /// <summary>Gaps over 40 ms the bench's pauses do not explain but the machine witness does: the machine's, not the product's.</summary>
    private long MachineGaps(IEnumerable<LoadCaller> callers) =>
        _machine is null ? 0 : callers.SelectMany(c => c.LongGaps).LongCount(g => _benchPauses?.Explains(g) != true && _machine.Explains(g));

    /// <summary>
    /// Gaps over 40 ms neither the bench's pauses nor the machine explain, though the product's own tick log shows every
    /// frame around them left on time: the receiving side's (the kernel, or the bench's receive threads), not the product's.
    /// </summary>
    private long ReceiverGaps(IEnumerable<LoadCaller> callers, IReadOnlyList<(long Begin, long End)> lateWrites) =>
        callers.SelectMany(c => c.LongGaps).LongCount(g =>
            _benchPauses?.Explains(g) != true && _machine?.Explains(g) != true && g.WasWrittenOnTime(lateWrites));

    private sealed record ListenResult(double CpuPercent, Percentiles Gaps, long GapsOver40Ms, int Failed);

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
                if (await store.GetAsync(caller.CallId, cancellationToken) is { } record && !CallRecordReasons.IsInProgress(record))
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
            ["AudioSocket__MaxConcurrentCalls"] = Math.Max(20, Math.Max(settings.Steps.Max(), (settings.FloorCalls ?? []).DefaultIfEmpty(0).Max()))
                .ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PhraseCache__Directory"] = Path.Combine(AppContext.BaseDirectory, "data", "bench-phrase-cache"),
            ["Records__SqlitePath"] = Path.Combine(work, "calls.db"),   // also the bench's own default (read back below)

            // The floor comparison's callers listen in silence for the stagger + 12 s: with the product's 8 s / 15 s
            // silence timeouts (at every step, the name recording included) the bot would say « Allô ? » and hang up on
            // them before the window ends. The SAV callers answer every prompt within seconds, so this changes nothing
            // for them.
            ["Calls__SilenceReprompt"] = "00:02:00",
            ["Calls__SilenceGiveUp"] = "00:04:00",
        };
        if (settings.PacerTrace)
        {
            environment["AudioSocket__PacerTraceFile"] = Path.Combine(work, "pacer-trace.csv");
        }

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
