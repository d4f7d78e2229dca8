using System.Globalization;
using Spectre.Console;
using Voicebot.Bench.Running;

namespace Voicebot.Bench.Reporting;

/// <summary>Renders results as a Markdown table (so it pastes into the README) and as one-line progress.</summary>
public static class ResultTable
{
    public const string Legend =
        "Delay: publisher's Stopwatch timestamp before OnNextAsync to the grain's handler. Send: OnNextAsync duration. " +
        "CPU: whole process (silo, co-hosted client, publishers) over the measured window, % of one core; \"idle\" = no call.";

    public static Table Create(IReadOnlyList<RunResult> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var table = new Table().Border(TableBorder.Markdown);
        table.AddColumn("Poll (ms)");
        table.AddColumn("Calls");
        table.AddColumn(new TableColumn("Items/s").RightAligned());
        table.AddColumn(new TableColumn("Delay p50 (ms)").RightAligned());
        table.AddColumn(new TableColumn("p99 (ms)").RightAligned());
        table.AddColumn(new TableColumn("max (ms)").RightAligned());
        table.AddColumn(new TableColumn("Lost").RightAligned());
        table.AddColumn(new TableColumn("Send p99 (ms)").RightAligned());
        table.AddColumn(new TableColumn("CPU (% core)").RightAligned());
        foreach (var run in runs)
        {
            var idle = run.Calls == 0;
            table.AddRow(
                Format(run.PeriodMs),
                idle ? "idle" : Format(run.Calls),
                idle ? "" : run.ItemsPerSecond.ToString("0", CultureInfo.InvariantCulture),
                Format(run.DelayP50Ms, "0.0"),
                Format(run.DelayP99Ms, "0.0"),
                Format(run.DelayMaxMs, "0.0"),
                idle ? "" : Format(run.Lost),
                Format(run.SendP99Ms, "0.00"),
                run.CpuPercent.ToString("0.0", CultureInfo.InvariantCulture));
        }

        return table;
    }

    public static string Describe(RunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Calls == 0
            ? string.Create(CultureInfo.InvariantCulture, $"poll {run.PeriodMs} ms, idle: CPU {run.CpuPercent:0.#} %")
            : string.Create(CultureInfo.InvariantCulture,
                $"poll {run.PeriodMs} ms, {run.Calls} calls: delay p50 {Format(run.DelayP50Ms, "0.0")} / p99 {Format(run.DelayP99Ms, "0.0")} / max {Format(run.DelayMaxMs, "0.0")} ms, " +
                $"{run.ItemsPerSecond:0} items/s, lost {run.Lost}, out of order {run.OutOfOrder}, CPU {run.CpuPercent:0.#} %");
    }

    private static string Format(double? value, string format) => value is { } number ? number.ToString(format, CultureInfo.InvariantCulture) : "";

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
