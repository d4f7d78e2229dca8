using System.Globalization;
using Voicebot.Gateway.Pacing;

namespace Voicebot.Gateway.Tests.Pacing;

public sealed class PacerTraceTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("voicebot-pacer-trace-").FullName;

    [Fact]
    public void Record_TicksFromTheAttachedThread_WritesOneRowPerTickWithItsTimesAndSchedulerCounters()
    {
        var path = Path.Combine(_directory, "trace.csv");
        RealtimeSchedulingTests.RunOnNewThread(() =>
        {
            using var trace = new PacerTrace(path);
            trace.AttachToCurrentThread();
            for (var i = 1; i <= 3; i++)
            {
                trace.Record(due: 1000 * i, started: (1000 * i) + 5, ended: (1000 * i) + 9, sessions: i);
            }

            return 0;
        });

        var lines = File.ReadAllLines(path);
        Assert.Equal(PacerTrace.Header, lines[0]);
        Assert.Equal(4, lines.Length);
        var header = lines[0].Split(',');
        for (var i = 1; i <= 3; i++)
        {
            var row = lines[i].Split(',').Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(header.Length, row.Length);
            Assert.Equal([1000L * i, (1000L * i) + 5, (1000L * i) + 9, i], row[..4]);
            Assert.True(row[Array.IndexOf(header, "pool_threads")] > 0);
            if (OperatingSystem.IsLinux())
            {
                Assert.True(row[Array.IndexOf(header, "run_ns")] > 0, "the thread has run, so schedstat counts its time on a CPU");
            }
        }
    }

    [Fact]
    public async Task Suspensions_AGarbageCollection_IsWrittenWithItsReasonAndGeneration()
    {
        var path = Path.Combine(_directory, "trace.csv");
        using (var trace = new PacerTrace(path))
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true);
            await trace.FirstSuspensionWritten.WaitAsync(TestContext.Current.CancellationToken);
        }

        var lines = File.ReadAllLines(Path.ChangeExtension(path, ".suspensions.csv"));
        Assert.Equal(RuntimeSuspensionListener.Header, lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Contains(rows, r => r[3] == "gc" && r[4] == "2" && r[5] == "induced" && r[6] == "blocking");
        Assert.All(rows, r => Assert.True(long.Parse(r[2], CultureInfo.InvariantCulture) >= long.Parse(r[0], CultureInfo.InvariantCulture)));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
