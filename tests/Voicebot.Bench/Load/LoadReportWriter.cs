using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ScottPlot;
using Spectre.Console;
using Color = ScottPlot.Color;

namespace Voicebot.Bench.Load;

/// <summary>
/// Renders a <see cref="LoadBenchReport"/> three ways: console tables, JSON (the record of the run), and one PNG
/// with four panels (CPU per call, inter-frame gaps, turn latency breakdown, memory per call), read first.
/// </summary>
public static class LoadReportWriter
{
    /// <summary>What a value that was not measured (NaN) prints as.</summary>
    public const string Missing = "–";

    /// <summary>Issue 5's targets, drawn as reference lines.</summary>
    public const double CpuPercentPerCallTarget = 0.2;
    public const double GapLimitMilliseconds = 40;
    public const double BotShareP99TargetMilliseconds = 30;
    public const double RssMegabytesPerCallTarget = 1;

    public const int PlotWidth = 1600;
    public const int PlotHeight = 1000;

    private const int PlotHeaderHeight = 56;

    /// <summary>
    /// The cells after N, in the Markdown table's order, each formatted once: the Markdown table shows them all, the
    /// console splits them into two tables and colours the alerts red.
    /// </summary>
    private static readonly StepColumn[] StepColumns =
    [
        new("CPU % (per call)", StepTable.Resources, s => $"{Number(s.CpuPercent, "0.0")} ({Number(s.CpuPercentPerCall, "0.000")})"),
        new("RSS MB (per call)", StepTable.Resources, s => $"{Number(s.RssMegabytes, "0")} ({Number(s.RssMegabytesPerCall, "0.00")})"),
        new("GC 0/1/2, pause ms", StepTable.Resources, s => $"{Collections(s.GcCollections)}, {Number(s.GcPauseMilliseconds, "0")}"),
        new("Alloc MB/call·s", StepTable.Resources, s => Number(s.AllocatedMegabytesPerCallSecond, "0.00")),
        new("JIT ms", StepTable.Resources, s => Number(s.JitMilliseconds ?? double.NaN, "0")),
        new("Turn p50/p99 ms", StepTable.Latency, s => Pair(s.TurnLatency, "0")),
        new("Spoken p50/p99 ms", StepTable.Latency, s => Pair(s.SpokenTurnLatency, "0")),
        new("Provider p50 ms", StepTable.Latency, s => Number(s.ProviderShare.P50, "0")),
        new("Bot p50/p99 ms", StepTable.Latency, s => Pair(s.BotShare, "0.0")),
        new("Bot in/out p99 ms", StepTable.Latency, s => $"{Number(s.BotHearing?.P99 ?? double.NaN, "0.0")} / {Number(s.BotReplying?.P99 ?? double.NaN, "0.0")}"),
        new("Barge-in p50/p99 ms", StepTable.Latency, s => Pair(s.BargeInReaction, "0")),
        new("Flush p99 ms", StepTable.Latency, s => Number(s.BargeInFlush.P99, "0.0")),
        new("Missed", StepTable.Latency, s => Integer(s.BargeInsMissed)),
        new("Gap p50/p99/max ms", StepTable.Latency, s => Triple(s.FrameGaps)),
        new("Gaps >40 ms (bench's, machine's, written on time)", StepTable.Latency, GapsCell, s => s.ProductGapsOver40Ms > 0),
        new("Pacer late p99/p99.9/max ms", StepTable.Latency, PacerLateness, s => s.Pacer is { LatenessP999: > 10 }),   // max: the tick's last frame
        new("Underruns", StepTable.Latency, s => Integer(s.PacerUnderruns)),
        new("Starved", StepTable.Latency, s => Integer(s.StarvedFrames)),
        new("Done/failed/refused", StepTable.Resources, Outcome, s => s.Failed > 0 || s.RefusedAdmissions > 0),
        new("Bench CPU %", StepTable.Resources, s => Number(s.BenchCpuPercent, "0.0")),
    ];

    // Lazy: the tables and the JSON must not need Skia's native library.
    private static readonly Lazy<string?> SansFont =
        new(() => Array.Find(["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica"], IsInstalled));

    /// <summary>
    /// camelCase, indented, TimeSpan as a string ("00:00:00.2500000"). NaN (not measured) is written as null and
    /// read back as NaN, so the file stays standard JSON that any tool can load.
    /// </summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new NullForNaNConverter() },
    };

    public static void WriteTable(IAnsiConsole console, LoadBenchReport report)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(report);

        console.WriteLine(DescribeMachine(report.Machine));
        console.WriteLine(DescribeSettings(report.Settings));
        console.WriteLine(DescribeIdle(report));
        console.WriteLine();
        console.Write(CreateTable(report, StepTable.Resources, "Product resources and call outcomes (CPU in % of one core)"));
        console.WriteLine();
        console.Write(CreateTable(report, StepTable.Latency, "Latency and audio as the callers heard it"));
        foreach (var step in report.Steps)
        {
            if (step.FailureReasons.Count > 0)
            {
                console.WriteLine(DescribeFailures(step));
            }
        }

        foreach (var line in DiagnosticLines(report))
        {
            console.WriteLine(line);
        }

        console.WriteLine(DescribeKnee(report.Knee));
    }

    /// <summary>The lines under the tables: each step's pacer trace and bench stalls, then each floor comparison.</summary>
    private static IEnumerable<string> DiagnosticLines(LoadBenchReport report)
    {
        foreach (var step in report.Steps)
        {
            if (step.Pacer is { } pacer)
            {
                yield return DescribePacer(step.Calls, pacer);
            }

            if (DescribeBench(step) is { } bench)
            {
                yield return bench;
            }

            if (DescribeMachine(step) is { } machine)
            {
                yield return machine;
            }
        }

        foreach (var floor in report.Floor ?? [])
        {
            yield return DescribeFloor(floor);
        }
    }

    /// <summary>Late pacer ticks by cause, most frequent first (e.g. "3 GC suspension, 1 waiting for a CPU"), or "none".</summary>
    public static string DescribeCauses(IReadOnlyDictionary<string, int> causes) =>
        causes.Count == 0 ? "none" : string.Join(", ", causes.OrderByDescending(c => c.Value).Select(c => $"{Integer(c.Value)} {c.Key}"));

    /// <summary>One line: the floor's and the product's CPU per call, and the product's multiples.</summary>
    public static string DescribeFloor(FloorComparison floor)
    {
        ArgumentNullException.ThrowIfNull(floor);
        return
            $"Floor at N = {Integer(floor.Calls)} (listen-only callers): minimal server {Number(floor.FloorCpuPercentPerCall, "0.000")} %/call, " +
            $"product {Number(floor.ProductListenCpuPercentPerCall, "0.000")} %/call = {Number(floor.ListenMultiple, "0.0")}× the floor" +
            (double.IsFinite(floor.FlowMultiple) ? $"; product on the whole SAV flow {Number(floor.ProductFlowCpuPercentPerCall, "0.000")} %/call = {Number(floor.FlowMultiple, "0.0")}× the floor" : "") +
            $"; gaps > 40 ms: floor {Integer(floor.FloorGapsOver40Ms)}, product {Integer(floor.ProductGapsOver40Ms)}; gap max floor {Number(floor.FloorGaps.Max, "0")} ms, product {Number(floor.ProductGaps.Max, "0")} ms" +
            (floor.Failed > 0 ? $"; {Integer(floor.Failed)} listen-only call(s) cut short" : "") +
            (floor.ProductPacer is { } pacer ? $"; product pacer lateness p99.9 {Number(pacer.LatenessP999, "0.0")} / max {Number(pacer.LatenessMax, "0.0")} ms, {Integer(pacer.LateTicks)} late > 10 ms ({DescribeCauses(pacer.LateCauses)})" : "") + ".";
    }

    /// <summary>The bench's own stalls in a step (its callers' clock and GC), or null when not measured.</summary>
    public static string? DescribeBench(LoadStepResult step) =>
        step.Bench is { } bench
            ? $"Bench at N = {Integer(step.Calls)}: callers' clock late p99 {Number(bench.ClockLateness.P99, "0.0")} / max {Number(bench.ClockLateness.Max, "0.0")} ms, " +
              $"{Integer(bench.ClockLateOver20Ms)} ticks > 20 ms late; its GC paused {Number(bench.GcPauseMs, "0")} ms ({Integer(bench.Gen2Collections)} gen-2), which explains {Integer(bench.GapsOver40Ms)} of the gaps over 40 ms."
            : null;

    /// <summary>The machine's own stalls in a step (the native witness outside the product), or null when not measured.</summary>
    public static string? DescribeMachine(LoadStepResult step) =>
        step.Machine is { } machine
            ? $"Machine at N = {Integer(step.Calls)}: native 20 ms tickers outside the product ({machine.Scheduling}) ran {Integer(machine.Ticks)} ticks, " +
              $"{Integer(machine.LateOver10Ms)} late > 10 ms and {Integer(machine.LateOver40Ms)} > 40 ms (max {Number(machine.MaxLateMs, "0.0")} ms); " +
              $"its late ticks explain {Integer(machine.GapsOver40Ms)} more of the gaps over 40 ms (not the product's)."
            : null;

    private static string DescribePacer(int calls, PacerStats pacer)
    {
        var worst = pacer.Worst.Count == 0
            ? ""
            : "; worst: " + string.Join(", ", pacer.Worst.Take(3).Select(w =>
                $"{Number(w.LatenessMs, "0")} ms ({w.Cause}: GC {Number(w.GcMs, "0")}, other {Number(w.OtherSuspensionMs, "0")}, CPU wait {Number(w.RunQueueMs, "0")}, overrun {Number(w.OverrunMs, "0")})"));
        return
            $"Pacer at N = {Integer(calls)}: {Integer(pacer.Ticks)} ticks, lateness p50 {Number(pacer.LatenessP50, "0.0")} / p99 {Number(pacer.LatenessP99, "0.0")} / p99.9 {Number(pacer.LatenessP999, "0.0")} / max {Number(pacer.LatenessMax, "0.0")} ms " +
            $"(last frame of the tick p99.9 {Number(pacer.LastFrameLatenessP999, "0.0")} / max {Number(pacer.LastFrameLatenessMax, "0.0")} ms); " +
            $"{Integer(pacer.LateTicks)} late > {Number(PacerTraceAnalysis.LateThresholdMilliseconds, "0")} ms ({DescribeCauses(pacer.LateCauses)}); " +
            $"GC suspensions {Integer(pacer.GcSuspensions)}, {Number(pacer.GcSuspensionMs, "0")} ms, max {Number(pacer.GcSuspensionMaxMs, "0.0")} ms (longest: {pacer.LongestSuspension}; longest wait for threads to stop {Number(pacer.SuspendingMaxMs, "0.0")} ms); " +
            $"other suspensions {Integer(pacer.OtherSuspensions)}, max {Number(pacer.OtherSuspensionMaxMs, "0.0")} ms; " +
            $"JIT {Number(pacer.JitMs, "0")} ms; pacer waited for a CPU {Number(pacer.RunQueueWaitMs, "0")} ms; thread-pool queue max {Integer(pacer.PoolPendingMax)}{worst}.";
    }

    /// <summary>One Markdown table, a row per step, followed by the idle base and the knee (for the README).</summary>
    public static string ToMarkdown(LoadBenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var markdown = new StringBuilder();
        markdown.Append("| N | ").AppendJoin(" | ", StepColumns.Select(c => c.Header)).AppendLine(" |");
        markdown.Append('|').AppendJoin('|', Enumerable.Repeat("--:", StepColumns.Length + 1)).AppendLine("|");
        foreach (var step in report.Steps)
        {
            markdown.Append("| ").Append(CallsCell(step, report.Knee, n => $"**{n}**"))
                .Append(" | ").AppendJoin(" | ", StepColumns.Select(c => c.Cell(step))).AppendLine(" |");
        }

        markdown.AppendLine();
        markdown.AppendLine(DescribeIdle(report));
        foreach (var line in DiagnosticLines(report))
        {
            markdown.AppendLine(line);
        }

        markdown.AppendLine(DescribeKnee(report.Knee));
        return markdown.ToString();
    }

    public static async Task WriteJsonAsync(string path, LoadBenchReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        CreateDirectoryFor(path);
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, report, JsonOptions, cancellationToken);
    }

    /// <summary>Reads a report written by <see cref="WriteJsonAsync"/> (to redraw or compare an earlier run).</summary>
    public static async Task<LoadBenchReport> ReadJsonAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<LoadBenchReport>(file, JsonOptions, cancellationToken)
            ?? throw new JsonException($"{path} holds no load-bench report.");
    }

    /// <summary>
    /// Draws the PNG: a header (machine, knee), then (a) CPU per call, (b) inter-frame gaps, (c) turn latency
    /// breakdown and (d) RSS per call, each against N with its target line and the knee marked.
    /// </summary>
    public static void WritePlot(string path, LoadBenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        CreateDirectoryFor(path);

        var steps = report.Steps;
        var header = new Plot();
        UseSansFont(header);
        header.HideAxesAndGrid();
        header.Layout.Frameless();
        header.Title($"Voicebot.Orleans capacity: {DescribeKneeShort(report.Knee)}\n{DescribeMachine(report.Machine)}", size: 18);

        // One call carries the whole idle cost and hundreds share it: a log scale keeps both ends readable.
        var cpu = NewPanel("(a) Product CPU per call (log scale)", "CPU per call (% of one core)");
        AddSeries(cpu, steps, s => Math.Log10(s.CpuPercentPerCall), "CPU per call", Colors.C0, MarkerShape.FilledCircle);
        AddTarget(cpu, Math.Log10(CpuPercentPerCallTarget), "target 0.2 % per call");
        UseLogScale(cpu);

        var gaps = NewPanel("(b) Inter-frame gaps heard by callers", "Gap between audio frames (ms)");
        AddSeries(gaps, steps, s => s.FrameGaps.P99, "gap p99", Colors.C0, MarkerShape.FilledCircle);
        AddSeries(gaps, steps, s => s.FrameGaps.Max, "gap max", Colors.C1, MarkerShape.FilledSquare);
        AddTarget(gaps, GapLimitMilliseconds, "limit 40 ms (two frames)");
        FitFromZero(gaps);

        // Providers take hundreds of ms and the bot's own share a few: a log scale shows both on one axis.
        // A share of 0 or below (clock noise) has no logarithm and is left out like an unmeasured one.
        var latency = NewPanel("(c) Turn latency breakdown (log scale)", "Latency (ms)");
        AddSeries(latency, steps, s => Math.Log10(s.SpokenTurnLatency.P99), "spoken turn p99", Colors.C0, MarkerShape.FilledCircle);
        AddSeries(latency, steps, s => Math.Log10(s.ProviderShare.P50), "providers' share p50 (spoken turns)", Colors.C1, MarkerShape.FilledSquare);
        AddSeries(latency, steps, s => Math.Log10(s.BotShare.P50), "bot's own share p50", Colors.C2, MarkerShape.FilledTriangleUp);
        AddSeries(latency, steps, s => Math.Log10(s.BotShare.P99), "bot's own share p99", Colors.C4, MarkerShape.FilledDiamond);
        AddTarget(latency, Math.Log10(BotShareP99TargetMilliseconds), "target bot p99 30 ms");
        UseLogScale(latency);

        var memory = NewPanel("(d) Product memory per call", "RSS above idle, per call (MB)");
        AddSeries(memory, steps, s => s.RssMegabytesPerCall, "RSS per call", Colors.C0, MarkerShape.FilledCircle);
        AddTarget(memory, RssMegabytesPerCallTarget, "target 1 MB per call");
        FitFromZero(memory);

        var maxCalls = steps.Count == 0 ? 1 : steps.Max(s => s.Calls);
        foreach (var panel in new[] { cpu, gaps, latency, memory })
        {
            if (report.Knee > 0)
            {
                var knee = panel.Add.VerticalLine(report.Knee, width: 1.5f, color: Colors.Gray, pattern: LinePattern.Dotted);
                knee.LegendText = $"knee N = {Integer(report.Knee)}";
            }

            panel.Axes.SetLimitsX(0, maxCalls * 1.05);
            panel.Legend.FontSize = 13;
            if (panel != latency)
            {
                panel.ShowLegend(Alignment.UpperLeft);
            }
        }

        // Its lines run across the whole height: the legend goes under the panel instead of over them.
        latency.ShowLegend(Edge.Bottom);

        // Multiplot's parameterless constructor starts with a plot of its own: start from the header instead.
        var figure = new Multiplot(header);
        foreach (var panel in new[] { cpu, gaps, latency, memory })
        {
            figure.AddPlot(panel);
        }

        figure.Layout = new HeaderAndGrid(PlotHeaderHeight);
        figure.SavePng(path, PlotWidth, PlotHeight);
    }

    private static Table CreateTable(LoadBenchReport report, StepTable group, string title)
    {
        var columns = Array.FindAll(StepColumns, c => c.Table == group);
        var table = new Table().Title(title);
        table.AddColumn("N");
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(Markup.Escape(column.Header)).RightAligned());
        }

        foreach (var step in report.Steps)
        {
            var cells = new string[columns.Length + 1];
            cells[0] = CallsCell(step, report.Knee, n => $"[bold]{n}[/]");
            for (var i = 0; i < columns.Length; i++)
            {
                var cell = columns[i].Cell(step);
                cells[i + 1] = columns[i].Alert?.Invoke(step) == true ? $"[red]{cell}[/]" : cell;
            }

            table.AddRow(cells);
        }

        return table;
    }

    /// <summary>The step count, with the knee's number emphasised by <paramref name="emphasis"/> (Markdown or console markup).</summary>
    private static string CallsCell(LoadStepResult step, int knee, Func<string, string> emphasis) =>
        knee > 0 && step.Calls == knee ? $"{emphasis(Integer(step.Calls))} (knee)" : Integer(step.Calls);

    private static string DescribeMachine(LoadMachine machine) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{machine.ProcessorCount} cores, {machine.OperatingSystem}, {machine.Runtime}, product GC {machine.ProductGc}, started {machine.StartedAt:yyyy-MM-dd HH:mm zzz}");

    private static string DescribeSettings(LoadBenchSettings settings) =>
        string.Create(CultureInfo.InvariantCulture,
            $"Steps N = {string.Join(", ", settings.Steps)}; arrivals over {settings.Stagger.TotalSeconds:0.#} s; think time {settings.ThinkTime.TotalSeconds:0.#} s; " +
            $"{(settings.BargeInEvery > 0 ? $"one caller in {settings.BargeInEvery} interrupts" : "nobody interrupts")}; " +
            $"STT final {settings.SttFinalLatency.TotalMilliseconds:0} ms, LLM first token {settings.LlmFirstTokenLatency.TotalMilliseconds:0} ms at {settings.LlmTokensPerSecond:0.#} tokens/s, " +
            $"TTS first byte {settings.TtsFirstByteLatency.TotalMilliseconds:0} ms.") +
        (settings.NeighbourLoad > 0 ? $" Noisy neighbour: {Integer(settings.NeighbourLoad)} % of every core busy at normal priority." : "");

    private static string DescribeIdle(LoadBenchReport report) =>
        $"Idle base (no call): RSS {Number(report.IdleRssMegabytes, "0.0")} MB, CPU {Number(report.IdleCpuPercent, "0.00")} % of one core.";

    private static string DescribeKnee(int knee) =>
        knee > 0
            ? $"Knee: N = {Integer(knee)}, the largest N up to which every step had zero failed calls and zero gaps over 40 ms."
            : "Knee: none, no step ran with zero failed calls and zero gaps over 40 ms.";

    private static string DescribeKneeShort(int knee) =>
        knee > 0 ? $"knee N = {Integer(knee)} (zero failed calls, zero gaps > 40 ms)" : "no step without failed calls or gaps > 40 ms";

    private static string DescribeFailures(LoadStepResult step)
    {
        var reasons = step.FailureReasons.OrderByDescending(r => r.Value).Select(r => $"{r.Key} ×{Integer(r.Value)}");
        return $"Failed at N = {Integer(step.Calls)}: {string.Join(", ", reasons)}";
    }

    private static string GapsCell(LoadStepResult step)
    {
        var bench = step.Bench?.GapsOver40Ms ?? 0;
        var machine = step.Machine?.GapsOver40Ms ?? 0;
        var receiver = step.ReceiverGapsOver40Ms;
        return bench + machine + receiver == 0
            ? Integer(step.GapsOver40Ms)
            : $"{Integer(step.GapsOver40Ms)} ({Integer(bench)}, {Integer(machine)}, {Integer(receiver)})";
    }

    private static string PacerLateness(LoadStepResult step) =>
        step.Pacer is { } pacer
            ? $"{Number(pacer.LatenessP99, "0.0")} / {Number(pacer.LatenessP999, "0.0")} / {Number(pacer.LastFrameLatenessMax, "0")}"
            : Missing;

    private static string Outcome(LoadStepResult step) =>
        $"{Integer(step.Completed)}/{Integer(step.Failed)}/{Integer(step.RefusedAdmissions)}";

    private static string Collections(IReadOnlyList<long> collections) =>
        collections.Count == 0 ? Missing : string.Join("/", collections.Select(Integer));

    private static string Pair(Percentiles percentiles, string format) =>
        double.IsFinite(percentiles.P50) || double.IsFinite(percentiles.P99)
            ? $"{Number(percentiles.P50, format)} / {Number(percentiles.P99, format)}"
            : Missing;

    private static string Triple(Percentiles percentiles) =>
        double.IsFinite(percentiles.P50) || double.IsFinite(percentiles.P99) || double.IsFinite(percentiles.Max)
            ? $"{Number(percentiles.P50, "0.0")} / {Number(percentiles.P99, "0.0")} / {Number(percentiles.Max, "0")}"
            : Missing;

    private static string Number(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : Missing;

    private static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void CreateDirectoryFor(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
    }

    /// <summary>
    /// ScottPlot's "sans" lookup can land on a serif face where fontconfig is absent (the SkiaSharp Linux asset
    /// has no dependencies): name common sans faces, and keep the default when none is installed.
    /// </summary>
    private static void UseSansFont(Plot plot)
    {
        if (SansFont.Value is { } family)
        {
            plot.Font.Set(family);
        }
    }

    // Skia answers an unknown family with a fallback face: compare the name it actually found.
    private static bool IsInstalled(string family) =>
        string.Equals(Fonts.GetTypeface(family, bold: false, italic: false)?.FamilyName, family, StringComparison.OrdinalIgnoreCase);

    private static Plot NewPanel(string title, string yLabel)
    {
        var plot = new Plot();
        UseSansFont(plot);
        plot.Title(title, size: 16);
        plot.XLabel("Concurrent calls N", size: 14);
        plot.YLabel(yLabel, size: 14);
        return plot;
    }

    /// <summary>Steps where the value was not measured (NaN) are left out, not drawn as zero.</summary>
    private static void AddSeries(
        Plot plot, IReadOnlyList<LoadStepResult> steps, Func<LoadStepResult, double> value, string legend,
        Color color, MarkerShape marker)
    {
        var xs = new List<double>(steps.Count);
        var ys = new List<double>(steps.Count);
        foreach (var step in steps)
        {
            var y = value(step);
            if (double.IsFinite(y))
            {
                xs.Add(step.Calls);
                ys.Add(y);
            }
        }

        if (xs.Count == 0)
        {
            return;
        }

        var scatter = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), color);
        scatter.LegendText = legend;
        scatter.LineWidth = 2;
        scatter.MarkerShape = marker;
        scatter.MarkerSize = 8;
    }

    private static void AddTarget(Plot plot, double y, string legend)
    {
        var line = plot.Add.HorizontalLine(y, width: 1.5f, color: Colors.Red, pattern: LinePattern.Dashed);
        line.LegendText = legend;
    }

    /// <summary>From 0 to a little above the highest point or target line, so the legend does not cover the data.</summary>
    private static void FitFromZero(Plot plot)
    {
        var (_, top) = DataRange(plot);
        plot.Axes.SetLimitsY(0, top > 0 ? top * 1.35 : 1);
    }

    /// <summary>The panel's values are log10(ms): ticks at each decade, labelled in ms, with minor ticks between.</summary>
    private static void UseLogScale(Plot plot)
    {
        var (bottom, top) = DataRange(plot);
        if (!double.IsFinite(bottom) || !double.IsFinite(top))
        {
            (bottom, top) = (0, 3);
        }

        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            IntegerTicksOnly = true,
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            LabelFormatter = y => Math.Pow(10, y).ToString("#,0.###", CultureInfo.InvariantCulture),
        };

        // Down to the decade below the lowest point, so every decade shown is labelled.
        plot.Axes.SetLimitsY(Math.Floor(bottom), top + 0.3);
    }

    private static (double Bottom, double Top) DataRange(Plot plot)
    {
        var bottom = double.PositiveInfinity;
        var top = double.NegativeInfinity;
        foreach (var plottable in plot.GetPlottables())
        {
            switch (plottable)
            {
                case ScottPlot.Plottables.HorizontalLine line:
                    bottom = Math.Min(bottom, line.Y);
                    top = Math.Max(top, line.Y);
                    break;
                case ScottPlot.Plottables.Scatter scatter:
                    var limits = scatter.GetAxisLimits();
                    bottom = Math.Min(bottom, limits.Bottom);
                    top = Math.Max(top, limits.Top);
                    break;
            }
        }

        return (bottom, top);
    }

    /// <summary>Which console table a column goes to.</summary>
    private enum StepTable
    {
        Resources,
        Latency,
    }

    /// <summary>One cell per step, as plain text; <paramref name="Alert"/> says when the console shows it in red.</summary>
    private sealed record StepColumn(string Header, StepTable Table, Func<LoadStepResult, string> Cell, Func<LoadStepResult, bool>? Alert = null);

    /// <summary>The first plot is a header strip across the top; the other four share the rest as a 2 × 2 grid.</summary>
    private sealed class HeaderAndGrid(float headerHeight) : IMultiplotLayout
    {
        public PixelRect[] GetSubplotRectangles(SubplotCollection subplots, PixelRect figureRect)
        {
            var rectangles = new PixelRect[subplots.Count];
            if (rectangles.Length == 0)
            {
                return rectangles;
            }

            rectangles[0] = new PixelRect(figureRect.Left, figureRect.Right, figureRect.Top + headerHeight, figureRect.Top);
            var gridTop = figureRect.Top + headerHeight;
            var cellWidth = figureRect.Width / 2;
            var cellHeight = (figureRect.Bottom - gridTop) / 2;
            for (var i = 1; i < rectangles.Length; i++)
            {
                var column = (i - 1) % 2;
                var row = (i - 1) / 2;
                var left = figureRect.Left + (column * cellWidth);
                var top = gridTop + (row * cellHeight);
                rectangles[i] = new PixelRect(left, left + cellWidth, top + cellHeight, top);
            }

            return rectangles;
        }
    }

    /// <summary>NaN and infinities (not measured) as JSON null; null read back as NaN.</summary>
    private sealed class NullForNaNConverter : JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value))
            {
                writer.WriteNumberValue(value);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }
}
