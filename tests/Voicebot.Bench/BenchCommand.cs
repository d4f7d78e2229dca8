using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Reflection;
using System.Runtime;
using System.Runtime.InteropServices;
using Spectre.Console;
using Voicebot.Bench.Reporting;
using Voicebot.Bench.Running;

namespace Voicebot.Bench;

/// <summary>
/// The benchmarks' command line: <c>load</c>, the capacity ramp (the product under N simulated callers), and
/// <c>streams</c>, the Orleans memory-stream hop latency for the voicebot's media pattern. Each prints a table and
/// writes JSON. They print figures only; they never judge them.
/// </summary>
public static class BenchCommand
{
    /// <summary>Every run delivered its items.</summary>
    public const int Completed = 0;

    /// <summary>A run with calls timed no item at all: the benchmark itself is broken.</summary>
    public const int NothingDelivered = 1;

    public const string DefaultJsonPath = "artifacts/bench/stream-latency.json";

    private static readonly int[] DefaultPeriods = [100, 20, 10, 5, 1];
    private static readonly int[] DefaultCalls = [1, 20, 100];
    private static readonly int[] QuickPeriods = [10];
    private static readonly int[] QuickCalls = [1, 5];
    private static readonly TimeSpan Warmup = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ProcessWarmup = TimeSpan.FromSeconds(3);

    public static RootCommand Create()
    {
        var periods = new Option<int[]>("--periods")
        {
            Description = "Pulling periods (GetQueueMsgsTimerPeriod) to compare, in ms, comma-separated. One silo each.",
            DefaultValueFactory = _ => DefaultPeriods,
            CustomParser = result => ParseList(result, min: 1, max: 1000),
        };
        var calls = new Option<int[]>("--calls")
        {
            Description = "Numbers of concurrent calls, comma-separated. Each call publishes a 320-byte frame every 20 ms and a DTMF digit a second.",
            DefaultValueFactory = _ => DefaultCalls,
            CustomParser = result => ParseList(result, min: 1, max: 1000),
        };
        var seconds = new Option<double>("--seconds")
        {
            Description = "Measured seconds per run, after a 0.5 s warm-up.",
            DefaultValueFactory = _ => 5,
        };
        seconds.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is not (> 0 and <= 600))
            {
                result.AddError("--seconds must be more than 0 and at most 600.");
            }
        });
        var json = new Option<string?>("--json")
        {
            Description = $"Where to write the results as JSON (default: {DefaultJsonPath}; none with --quick).",
        };
        var quick = new Option<bool>("--quick")
        {
            Description = "Smoke run of a few seconds: period 10 ms, 1 and 5 calls, 1 s each. Explicit options still apply.",
        };

        var command = new Command("streams", "Orleans memory-stream latency for the voicebot's media pattern (gateway publishes, call grain consumes).")
        {
            periods, calls, seconds, json, quick,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var isQuick = parseResult.GetValue(quick);
            var settings = new BenchSettings(
                isQuick && IsImplicit(parseResult, periods) ? QuickPeriods : parseResult.GetRequiredValue(periods),
                isQuick && IsImplicit(parseResult, calls) ? QuickCalls : parseResult.GetRequiredValue(calls),
                TimeSpan.FromSeconds(isQuick && IsImplicit(parseResult, seconds) ? 1 : parseResult.GetValue(seconds)),
                Warmup,
                isQuick ? TimeSpan.FromSeconds(1) : IdleWindow,
                isQuick ? TimeSpan.FromSeconds(1) : ProcessWarmup);
            var jsonPath = parseResult.GetValue(json) ?? (isQuick ? null : DefaultJsonPath);
            return await RunAsync(settings, jsonPath, cancellationToken);
        });
        return new RootCommand("Voicebot.Orleans benchmarks. They print figures; they never judge them.")
        {
            Load.LoadCommand.Create(),
            command,
            Floor.FloorServer.CreateCommand(),
            Neighbour.CpuHog.CreateCommand(),
        };
    }

    private static async Task<int> RunAsync(BenchSettings settings, string? jsonPath, CancellationToken cancellationToken)
    {
        var console = CreateConsole();
        var startedAt = TimeProvider.System.GetUtcNow();
        console.MarkupLine(CultureInfo.InvariantCulture,
            "[bold]Orleans memory-stream latency[/]: periods {0} ms, calls {1}, {2} s per run (+{3} s warm-up), {4} cores, {5} GC",
            string.Join('/', settings.PeriodsMs), string.Join('/', settings.Calls), settings.Seconds.TotalSeconds,
            settings.Warmup.TotalSeconds, Environment.ProcessorCount, GCSettings.IsServerGC ? "server" : "workstation");

        var bench = new StreamLatencyBench(settings);
        var runs = await bench.RunAsync(result => console.WriteLine(ResultTable.Describe(result)), cancellationToken);

        console.WriteLine();
        console.Write(ResultTable.Create(runs));
        console.WriteLine();
        console.WriteLine(ResultTable.Legend);

        if (jsonPath is not null)
        {
            var report = new BenchReport(
                "orleans-memory-stream-latency",
                startedAt,
                RuntimeInformation.OSDescription,
                Environment.ProcessorCount,
                RuntimeInformation.FrameworkDescription,
                OrleansVersion(),
                GCSettings.IsServerGC,
                settings.Seconds.TotalSeconds,
                settings.Warmup.TotalSeconds,
                StreamRun.FrameInterval.TotalMilliseconds,
                StreamRun.FrameBytes,
                runs);
            await ReportWriter.WriteAsync(report, jsonPath, cancellationToken);
            console.WriteLine($"JSON: {Path.GetFullPath(jsonPath)}");
        }

        foreach (var run in runs)
        {
            if (run.Calls > 0 && run.Timed == 0)
            {
                console.MarkupLine(CultureInfo.InvariantCulture, "[red]No item reached the grain at {0} ms with {1} calls.[/]", run.PeriodMs, run.Calls);
                return NothingDelivered;
            }
        }

        return Completed;
    }

    internal static int[] ParseList(ArgumentResult result, int min, int max)
    {
        var values = new List<int>();
        foreach (var token in result.Tokens)
        {
            foreach (var part in token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
                {
                    result.AddError($"'{part}' is not a whole number from {min} to {max}.");
                    return [];
                }

                values.Add(value);
            }
        }

        if (values.Count == 0)
        {
            result.AddError("Give at least one value, e.g. 100,20,10.");
        }

        return [.. values];
    }

    internal static bool IsImplicit(ParseResult parseResult, Option option) => parseResult.GetResult(option) is null or { Implicit: true };

    internal static IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 160;   // a redirected console reports 80 columns, which would wrap the table
        }

        return console;
    }

    private static string OrleansVersion()
    {
        // e.g. "10.4.2. Commit Hash: 876ffe03…" or "10.4.2+876ffe03…"
        var version = typeof(Grain).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        return version.Split(' ', '+')[0].TrimEnd('.');
    }
}
