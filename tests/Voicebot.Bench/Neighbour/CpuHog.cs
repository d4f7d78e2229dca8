using System.CommandLine;
using System.Diagnostics;

namespace Voicebot.Bench.Neighbour;

/// <summary>
/// The noisy neighbour: one normally scheduled thread per core, each busy for a set share of every 10 ms, until the
/// process is killed. Run as its own process (<c>Voicebot.Bench hog</c>) so it competes with the product the way
/// another service on the same server would: for the same cores, at the same priority.
/// </summary>
internal static class CpuHog
{
    private static readonly long Slice = Stopwatch.Frequency / 100;

    public static Command CreateCommand()
    {
        var threads = new Option<int>("--threads") { Description = "Busy threads (default: one per core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var load = new Option<int>("--load") { Description = "Percent of each 10 ms each thread spends busy (1–100).", DefaultValueFactory = _ => 100 };
        var command = new Command("hog", "Loads every core at normal priority until killed (the bench's noisy neighbour).") { threads, load };
        command.SetAction(parse =>
        {
            var busy = Slice * Math.Clamp(parse.GetValue(load), 1, 100) / 100;
            var workers = Enumerable.Range(0, Math.Max(1, parse.GetValue(threads)))
                .Select(i => new Thread(() => Spin(busy)) { IsBackground = true, Name = $"hog-{i}" })
                .ToArray();
            foreach (var worker in workers)
            {
                worker.Start();
            }

            foreach (var worker in workers)
            {
                worker.Join();
            }

            return 0;
        });
        return command;
    }

    private static void Spin(long busy)
    {
        var sink = 0UL;
        while (true)
        {
            var start = Stopwatch.GetTimestamp();
            while (Stopwatch.GetTimestamp() - start < busy)
            {
                sink = (sink * 6364136223846793005UL) + 1442695040888963407UL;
            }

            GC.KeepAlive(sink);
            var rest = Slice - busy;
            if (rest > 0)
            {
                Thread.Sleep(TimeSpan.FromSeconds(rest / (double)Stopwatch.Frequency));
            }
        }
    }
}
