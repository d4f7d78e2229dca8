using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Voicebot.Bench.Load;

/// <summary><c>load</c>: the capacity ramp. Exit 0 once the report is written; 1 when no call completed at all (the bench is broken).</summary>
internal static class LoadCommand
{
    public const int Completed = 0;
    public const int NothingCompleted = 1;
    public const string DefaultOutput = "artifacts/bench/load";

    private static readonly int[] DefaultSteps = [1, 20, 50, 100, 200, 300, 400];
    private static readonly int[] QuickSteps = [1, 2];
    private static readonly int[] DefaultFloor = [100];
    private static readonly int[] QuickFloor = [2];

    public static Command Create()
    {
        var steps = new Option<int[]>("--steps")
        {
            Description = "N for each step of the ramp, comma-separated.",
            DefaultValueFactory = _ => DefaultSteps,
            CustomParser = result => BenchCommand.ParseList(result, min: 1, max: 2000),
        };
        var stagger = Seconds("--stagger", "Callers of a step arrive evenly over this many seconds.", 10);
        var think = Seconds("--think", "Seconds a caller spends trying the fix before saying it works (sets the call length: about 30 s + this).", 30);
        var bargeInEvery = new Option<int>("--barge-in-every") { Description = "Every Nth caller interrupts the bot (0: nobody).", DefaultValueFactory = _ => 3 };
        var warmup = new Option<int>("--warmup") { Description = "Calls placed before measuring, to warm the product up.", DefaultValueFactory = _ => 2 };
        var stt = Milliseconds("--stt-ms", "Recognizer: end of speech → final transcript.", 250);
        var llmFirst = Milliseconds("--llm-first-token-ms", "Language model: request → first token.", 300);
        var llmRate = new Option<double>("--llm-tokens-per-second") { Description = "Language model: tokens per second after the first.", DefaultValueFactory = _ => 40 };
        var ttsFirst = Milliseconds("--tts-first-byte-ms", "Synthesizer: request → first audio byte.", 200);
        var environment = new Option<string[]>("--env")
        {
            Description = "KEY=VALUE given to the product's environment (e.g. DOTNET_gcServer=1, Orleans__StreamPullingPeriod=00:00:00.020). Repeatable.",
            AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string?>("--out") { Description = $"Directory for load.json, load.png and load.md (default {DefaultOutput}; none with --quick)." };
        var quick = new Option<bool>("--quick") { Description = "Smoke run: N = 1 and 2, short calls, no warm-up. Explicit options still apply." };
        var neighbour = new Option<int>("--neighbour")
        {
            Description = "Noisy neighbour: a normally scheduled process keeps this percent of every core busy during each step (0: quiet machine).",
            DefaultValueFactory = _ => 0,
        };
        neighbour.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 100)
            {
                result.AddError("--neighbour is a percentage from 0 to 100.");
            }
        });
        var floor = new Option<int[]>("--floor")
        {
            Description = "N for each comparison with the bench's minimal AudioSocket server (listen-only callers, floor then product); 0 for none.",
            DefaultValueFactory = _ => DefaultFloor,
            CustomParser = result => BenchCommand.ParseList(result, min: 0, max: 2000),
        };
        var listen = Seconds("--listen", "Floor comparison: seconds listen-only callers stay connected after the last one arrives (the window measured).", 12);
        var pacerTrace = new Option<bool>("--pacer-trace")
        {
            Description = "The product traces every pacer tick (lateness, GC, JIT, thread pool, scheduling delay) and the bench explains the late ones. Default on.",
            DefaultValueFactory = _ => true,
        };
        var keep = new Option<bool>("--keep") { Description = "Keep the product's working directory (pacer trace, logs, records, recordings) and print where it is." };
        var fromJson = new Option<string?>("--from-json") { Description = "Run nothing: print a saved load.json again (tables and Markdown) and, with --out, redraw its plot." };

        var command = new Command("load", "The capacity ramp: the product in its own process with emulated providers, N simulated callers over real AudioSocket connections.")
        {
            steps, stagger, think, bargeInEvery, warmup, stt, llmFirst, llmRate, ttsFirst, environment, neighbour, floor, listen, pacerTrace, keep, output, quick, fromJson,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(fromJson) is { } saved)
            {
                return await RedrawAsync(saved, parse.GetValue(output), cancellationToken);
            }

            var isQuick = parse.GetValue(quick);
            var settings = new LoadBenchSettings(
                isQuick && BenchCommand.IsImplicit(parse, steps) ? QuickSteps : parse.GetRequiredValue(steps),
                TimeSpan.FromSeconds(isQuick && BenchCommand.IsImplicit(parse, stagger) ? 0.5 : parse.GetValue(stagger)),
                TimeSpan.FromSeconds(isQuick && BenchCommand.IsImplicit(parse, think) ? 0.2 : parse.GetValue(think)),
                parse.GetValue(bargeInEvery),
                TimeSpan.FromMilliseconds(parse.GetValue(stt)),
                TimeSpan.FromMilliseconds(parse.GetValue(llmFirst)),
                parse.GetValue(llmRate),
                TimeSpan.FromMilliseconds(parse.GetValue(ttsFirst)),
                ParseEnvironment(parse.GetValue(environment) ?? []),
                parse.GetValue(neighbour),
                [.. (isQuick && BenchCommand.IsImplicit(parse, floor) ? QuickFloor : parse.GetRequiredValue(floor)).Where(n => n > 0)],
                parse.GetValue(pacerTrace),
                TimeSpan.FromSeconds(isQuick && BenchCommand.IsImplicit(parse, listen) ? 2 : parse.GetValue(listen)),
                parse.GetValue(keep));
            var warmupCalls = isQuick && BenchCommand.IsImplicit(parse, warmup) ? 0 : parse.GetValue(warmup);
            var outputDirectory = parse.GetValue(output) ?? (isQuick ? null : DefaultOutput);
            return await RunAsync(settings, warmupCalls, outputDirectory, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(LoadBenchSettings settings, int warmupCalls, string? outputDirectory, CancellationToken cancellationToken)
    {
        // The callers share this process with the provider emulators: a blocking full collection here stops every
        // caller at once, a gap the product did not make (measured: one bench gen-2 made 100 gaps at N = 100).
        System.Runtime.GCSettings.LatencyMode = System.Runtime.GCLatencyMode.SustainedLowLatency;
        var console = BenchCommand.CreateConsole();
        console.MarkupLine(CultureInfo.InvariantCulture,
            "[bold]Capacity ramp[/]: N = {0}, arrivals over {1} s, think {2} s, every {3}rd caller interrupts; providers: STT {4} ms, LLM {5} ms + {6} tok/s, TTS {7} ms; {8} cores",
            string.Join('/', settings.Steps), settings.Stagger.TotalSeconds, settings.ThinkTime.TotalSeconds, settings.BargeInEvery,
            settings.SttFinalLatency.TotalMilliseconds, settings.LlmFirstTokenLatency.TotalMilliseconds, settings.LlmTokensPerSecond,
            settings.TtsFirstByteLatency.TotalMilliseconds, Environment.ProcessorCount);
        if (settings.NeighbourLoad > 0)
        {
            console.MarkupLine(CultureInfo.InvariantCulture,
                "[bold]Noisy neighbour[/]: another process keeps {0} % of each of the {1} cores busy at normal priority during every step.",
                settings.NeighbourLoad, Environment.ProcessorCount);
        }

        var report = await new LoadBench(settings, console).RunAsync(warmupCalls, cancellationToken);
        console.WriteLine();
        LoadReportWriter.WriteTable(console, report);
        if (outputDirectory is not null)
        {
            var json = Path.Combine(outputDirectory, "load.json");
            var png = Path.Combine(outputDirectory, "load.png");
            var markdown = Path.Combine(outputDirectory, "load.md");
            await LoadReportWriter.WriteJsonAsync(json, report, cancellationToken);
            LoadReportWriter.WritePlot(png, report);
            await File.WriteAllTextAsync(markdown, LoadReportWriter.ToMarkdown(report), cancellationToken);
            console.WriteLine($"JSON: {Path.GetFullPath(json)}");
            console.WriteLine($"Plot: {Path.GetFullPath(png)}");
            console.WriteLine($"Markdown: {Path.GetFullPath(markdown)}");
        }

        return report.Steps.Any(s => s.Completed > 0) ? Completed : NothingCompleted;
    }

    private static async Task<int> RedrawAsync(string jsonPath, string? outputDirectory, CancellationToken cancellationToken)
    {
        var console = BenchCommand.CreateConsole();
        var report = await LoadReportWriter.ReadJsonAsync(jsonPath, cancellationToken);
        LoadReportWriter.WriteTable(console, report);

        // Straight to stdout: the console would wrap the long Markdown rows at its width.
        Console.Out.WriteLine();
        Console.Out.WriteLine(LoadReportWriter.ToMarkdown(report));
        if (outputDirectory is not null)
        {
            var png = Path.Combine(outputDirectory, "load.png");
            LoadReportWriter.WritePlot(png, report);
            console.WriteLine($"Plot: {Path.GetFullPath(png)}");
        }

        return Completed;
    }

    private static Dictionary<string, string> ParseEnvironment(string[] pairs)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"--env expects KEY=VALUE, got '{pair}'.");
            }

            environment[pair[..equals]] = pair[(equals + 1)..];
        }

        return environment;
    }

    private static Option<double> Seconds(string name, string description, double defaultValue) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };

    private static Option<double> Milliseconds(string name, string description, double defaultValue) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };
}
