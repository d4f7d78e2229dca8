using System.Buffers.Binary;
using System.Text.Json;
using System.Text.RegularExpressions;
using Voicebot.Bench.Load;
using Voicebot.Testing.Consoles;

namespace Voicebot.Bench.Tests.Load;

public sealed class LoadReportWriterTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "voicebot-load-report-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task WriteJsonAsync_ThenReadJsonAsync_RoundTripsEveryStep()
    {
        var ct = TestContext.Current.CancellationToken;
        var report = SampleReports.ThreeSteps();
        var path = Path.Combine(_directory, "nested", "load.json");

        await LoadReportWriter.WriteJsonAsync(path, report, ct);
        var read = await LoadReportWriter.ReadJsonAsync(path, ct);

        Assert.Equal(report.Knee, read.Knee);
        Assert.Equal(report.Machine, read.Machine);
        Assert.Equal(report.Settings.Steps, read.Settings.Steps);
        Assert.Equal(report.Settings.Stagger, read.Settings.Stagger);
        Assert.Equal(report.Settings.ProductEnvironment, read.Settings.ProductEnvironment);
        Assert.Equal(report.IdleRssMegabytes, read.IdleRssMegabytes);
        Assert.Equal(report.Steps.Count, read.Steps.Count);
        for (var i = 0; i < report.Steps.Count; i++)
        {
            var expected = report.Steps[i];
            var actual = read.Steps[i];
            Assert.Equal(expected.Calls, actual.Calls);
            Assert.Equal(expected.CpuPercentPerCall, actual.CpuPercentPerCall);
            Assert.Equal(expected.RssMegabytesPerCall, actual.RssMegabytesPerCall);
            Assert.Equal(expected.GcCollections, actual.GcCollections);
            Assert.Equal(expected.TurnLatency, actual.TurnLatency);
            Assert.Equal(expected.SpokenTurnLatency, actual.SpokenTurnLatency);
            Assert.Equal(expected.BotShare, actual.BotShare);
            Assert.Equal(expected.BargeInReaction, actual.BargeInReaction);
            Assert.Equal(expected.FrameGaps, actual.FrameGaps);
            Assert.Equal(expected.GapsOver40Ms, actual.GapsOver40Ms);
            Assert.Equal(expected.Failed, actual.Failed);
            Assert.Equal(expected.FailureReasons, actual.FailureReasons);
            Assert.Equal(expected.Clean, actual.Clean);
        }
    }

    [Fact]
    public async Task WriteJsonAsync_NotMeasured_WritesNullAndCamelCaseNames()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(_directory, "load.json");

        await LoadReportWriter.WriteJsonAsync(path, SampleReports.ThreeSteps(), ct);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(path, ct));
        var first = json.RootElement.GetProperty("steps")[0];
        Assert.Equal(JsonValueKind.Null, first.GetProperty("rssMegabytesPerCall").ValueKind);
        Assert.Equal(JsonValueKind.Null, first.GetProperty("bargeInReaction").GetProperty("p50").ValueKind);
        Assert.Equal(0, first.GetProperty("bargeInReaction").GetProperty("count").GetInt64());
        Assert.Equal("00:00:10", json.RootElement.GetProperty("settings").GetProperty("stagger").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("steps")[2].GetProperty("failureReasons").GetProperty("wrong outcome").GetInt32());
    }

    [Theory]
    [InlineData(20)]
    [InlineData(0)]
    public void WritePlot_Report_WritesPngOfTheRequestedSize(int knee)
    {
        var path = Path.Combine(_directory, "plots", "load.png");

        LoadReportWriter.WritePlot(path, SampleReports.ThreeSteps(knee));

        var png = File.ReadAllBytes(path);
        Assert.True(png.Length > 24);
        Assert.Equal(PngSignature, png[..8]);
        Assert.Equal("IHDR"u8.ToArray(), png[12..16]);
        Assert.Equal(LoadReportWriter.PlotWidth, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.Equal(LoadReportWriter.PlotHeight, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
    }

    [Fact]
    public void WriteTable_Report_PrintsEachStepInBothTablesTheIdleBaseAndTheKnee()
    {
        var (console, output) = TestConsoles.Create();

        LoadReportWriter.WriteTable(console, SampleReports.ThreeSteps());

        var text = output.ToString();
        foreach (var calls in new[] { "1", "20 (knee)", "50" })
        {
            Assert.Equal(2, Regex.Matches(text, $@"^\W*{Regex.Escape(calls)}\s*│", RegexOptions.Multiline).Count);
        }

        Assert.Contains("Knee: N = 20, the largest N up to which every step had zero failed calls and zero gaps over 40 ms", text, StringComparison.Ordinal);
        Assert.Contains("Idle base (no call): RSS 182.4 MB, CPU 0.35 % of one core.", text, StringComparison.Ordinal);
        Assert.Contains("Failed at N = 50: ", text, StringComparison.Ordinal);
        Assert.Contains(LoadReportWriter.Missing, text, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", text, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteTable_PacerTraceBenchStallsAndFloor_EachGetsItsLineAndBenchGapsAreNotTheProducts()
    {
        var (console, output) = TestConsoles.Create();
        var report = SampleReports.ThreeSteps();
        var pacer = new PacerStats(
            Ticks: 2250, LatenessP50: 0.1, LatenessP99: 0.4, LatenessP999: 2.5, LatenessMax: 31.0, LateTicks: 1,
            LateCauses: new Dictionary<string, int> { [PacerTraceAnalysis.GcCause] = 1 },
            Worst: [new LateTick(31, 25, 0, 0, 0, PacerTraceAnalysis.GcCause)],
            GcSuspensions: 40, GcSuspensionMs: 120, GcSuspensionMaxMs: 25, OtherSuspensions: 0, OtherSuspensionMs: 0,
            OtherSuspensionMaxMs: 0, JitMs: 2500, RunQueueWaitMs: 3, PoolPendingMax: 12, SuspendingMaxMs: 0.2,
            LongestSuspension: "gc gen 1 alloc-small blocking");
        var clean = report.Steps[1];
        var withBenchGaps = clean with
        {
            GapsOver40Ms = 30,
            Pacer = pacer,
            ReceiverGapsOver40Ms = 3,
            Bench = new BenchSelf(new Percentiles(3000, 0.5, 3, 70), 3, 90, 1, GapsOver40Ms: 20),
            Machine = new MachineSelf(3000, 2, 1, 98.5, "SCHED_FIFO priority 10, one pinned to each of 2 CPUs", GapsOver40Ms: 7),
        };
        var floor = new FloorComparison(20, 0.2, 0.4, 0.5, new Percentiles(100, 20, 21, 30), 0, new Percentiles(100, 20, 22, 35), 0, 0, pacer);
        report = report with { Steps = [report.Steps[0], withBenchGaps, report.Steps[2]], Floor = [floor] };

        LoadReportWriter.WriteTable(console, report);

        var text = output.ToString();
        Assert.True(withBenchGaps.Clean, "30 gaps over 40 ms: 20 the bench's own stall, 7 the machine's, 3 written on time by the product");
        Assert.Contains("30 (20, 7, 3)", text, StringComparison.Ordinal);
        Assert.Contains("Pacer at N = 20: 2250 ticks, lateness p50 0.1 / p99 0.4 / p99.9 2.5 / max 31.0 ms (last frame of the tick p99.9 – / max – ms); 1 late > 10 ms (1 GC suspension)", text, StringComparison.Ordinal);
        Assert.Contains("which explains 20 of the gaps over 40 ms", text, StringComparison.Ordinal);
        Assert.Contains(
            "Machine at N = 20: native 20 ms tickers outside the product (SCHED_FIFO priority 10, one pinned to each of 2 CPUs) ran 3000 ticks, 2 late > 10 ms and 1 > 40 ms (max 98.5 ms); its late ticks explain 7 more of the gaps over 40 ms (not the product's).",
            text,
            StringComparison.Ordinal);
        Assert.Contains("product 0.400 %/call = 2.0× the floor", text, StringComparison.Ordinal);
        Assert.Contains("product on the whole SAV flow 0.500 %/call = 2.5× the floor", text, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteTable_NoCleanStep_SaysThereIsNoKnee()
    {
        var (console, output) = TestConsoles.Create();

        LoadReportWriter.WriteTable(console, SampleReports.ThreeSteps(knee: 0));

        Assert.Contains("Knee: none", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("(knee)", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToMarkdown_Report_HasOneRowPerStepAndMarksTheKnee()
    {
        var report = SampleReports.ThreeSteps();

        var markdown = LoadReportWriter.ToMarkdown(report);

        var rows = markdown.Split('\n').Where(line => line.StartsWith('|')).ToList();
        Assert.Equal(2 + report.Steps.Count, rows.Count);
        Assert.All(rows, row => Assert.Equal(rows[0].Count(c => c == '|'), row.Count(c => c == '|')));
        Assert.StartsWith("| 1 |", rows[2], StringComparison.Ordinal);
        Assert.StartsWith("| **20** (knee) |", rows[3], StringComparison.Ordinal);
        Assert.StartsWith("| 50 |", rows[4], StringComparison.Ordinal);
        Assert.Contains("Knee: N = 20", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void KneeOf_CleanStepAboveAnUncleanOne_StopsAtTheFirstUncleanStep()
    {
        var steps = SampleReports.ThreeSteps().Steps;   // 1 and 20 clean, 50 failing
        var cleanAgain = steps[1] with { Calls = 100 };

        Assert.Equal(20, LoadBenchReport.KneeOf([.. steps, cleanAgain]));
        Assert.Equal(20, LoadBenchReport.KneeOf(steps.Take(2)));
        Assert.Equal(0, LoadBenchReport.KneeOf([steps[2], cleanAgain]));
    }
}
