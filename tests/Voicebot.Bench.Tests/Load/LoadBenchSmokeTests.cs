using System.Diagnostics;
using System.Text.Json;
using Voicebot.Testing.Paths;

namespace Voicebot.Bench.Tests.Load;

/// <summary>
/// The capacity benchmark never rots: its quick run (N = 1 and 2, short calls) starts the real product with the
/// provider emulators, places the calls, and reports. Checks that it ran and what it reported, never how fast.
/// </summary>
public sealed class LoadBenchSmokeTests
{
    [Fact]
    public async Task QuickRun_PlacesTheCallsAndWritesTheReport()
    {
        var ct = TestContext.Current.CancellationToken;
        var output = RepositoryPaths.NewTemporaryDirectory("voicebot-bench-smoke");
        try
        {
            var (exitCode, text) = await RunBenchAsync(["load", "--quick", "--out", output], ct);

            Assert.True(exitCode == 0, $"exit {exitCode}\n{text}");
            Assert.Contains("Knee", text, StringComparison.Ordinal);
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "load.json"), ct));
            var steps = json.RootElement.GetProperty("steps").EnumerateArray().ToArray();
            Assert.Equal([1, 2], steps.Select(s => s.GetProperty("calls").GetInt32()));
            Assert.All(steps, step =>
            {
                var calls = step.GetProperty("calls").GetInt32();
                Assert.True(step.GetProperty("completed").GetInt32() >= 1, step.ToString());
                Assert.Equal(calls, step.GetProperty("completed").GetInt32() + step.GetProperty("failed").GetInt32());
                Assert.True(step.GetProperty("cpuPercent").GetDouble() > 0, step.ToString());
                Assert.True(step.GetProperty("rssMegabytes").GetDouble() > 0, step.ToString());
                Assert.True(step.GetProperty("turnLatency").GetProperty("count").GetInt64() >= calls, step.ToString());
                Assert.True(step.GetProperty("frameGaps").GetProperty("count").GetInt64() > 100 * calls, step.ToString());
            });

            // The product's pacer trace was read back for every step: one row per tick while the calls were up.
            Assert.All(steps, step =>
            {
                var pacer = step.GetProperty("pacer");
                Assert.True(pacer.GetProperty("ticks").GetInt64() > 50, step.ToString());
                Assert.True(pacer.GetProperty("latenessMax").GetDouble() >= pacer.GetProperty("latenessP50").GetDouble(), step.ToString());
                Assert.True(step.GetProperty("jitMilliseconds").GetDouble() >= 0, step.ToString());
                Assert.True(step.GetProperty("bench").GetProperty("clockLateness").GetProperty("count").GetInt64() > 0, step.ToString());
            });

            // The same listen-only callers measured the bench's minimal server and then the product.
            var floor = Assert.Single(json.RootElement.GetProperty("floor").EnumerateArray());
            Assert.Equal(2, floor.GetProperty("calls").GetInt32());
            Assert.Equal(0, floor.GetProperty("failed").GetInt32());
            Assert.True(floor.GetProperty("floorCpuPercentPerCall").GetDouble() > 0, floor.ToString());
            Assert.True(floor.GetProperty("productListenCpuPercentPerCall").GetDouble() > 0, floor.ToString());
            Assert.True(floor.GetProperty("floorGaps").GetProperty("count").GetInt64() > 0, floor.ToString());
            Assert.Contains("Floor at N = 2", text, StringComparison.Ordinal);

            // Spoken turns were split between the providers and the bot with the calls' records.
            Assert.Contains(steps, step => step.GetProperty("providerShare").GetProperty("count").GetInt64() > 0);
            var markdownRows = (await File.ReadAllLinesAsync(Path.Combine(output, "load.md"), ct)).Count(line => line.StartsWith('|'));
            Assert.Equal(2 + steps.Length, markdownRows);   // header, separator, one row per step
            var png = await File.ReadAllBytesAsync(Path.Combine(output, "load.png"), ct);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png.Take(4));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    /// <summary>Runs the benchmark built next to this test (same configuration) and returns its exit code and output.</summary>
    private static async Task<(int ExitCode, string Output)> RunBenchAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;   // …/bin/<Configuration>/net10.0/
        var bench = Path.Combine(RepositoryPaths.Root, "tests", "Voicebot.Bench", "bin", configuration, "net10.0", "Voicebot.Bench.dll");
        Assert.True(File.Exists(bench), $"{bench} is missing: build the solution first.");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(bench);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
