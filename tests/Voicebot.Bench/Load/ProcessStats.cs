using System.Diagnostics;
using System.Globalization;

namespace Voicebot.Bench.Load;

/// <summary>CPU time and resident memory of a process, read from /proc (Linux).</summary>
internal static class ProcessStats
{
    private static readonly Lazy<double> ClockTicksPerSecond = new(ReadClockTicks);

    /// <summary>User + system CPU seconds the process has used so far.</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name (which may hold spaces) start at field 3; utime and stime are fields 14 and 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / ClockTicksPerSecond.Value;
    }

    /// <summary>Resident set size in MB (VmRSS).</summary>
    public static double RssMegabytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kilobytes = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kilobytes / 1024.0;
            }
        }

        return double.NaN;
    }

    private static double ReadClockTicks()
    {
        try
        {
            using var getconf = Process.Start(new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true, UseShellExecute = false })!;
            var text = getconf.StandardOutput.ReadToEnd().Trim();
            getconf.WaitForExit();
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ticks) && ticks > 0 ? ticks : 100;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return 100;   // USER_HZ on every Linux build in practice
        }
    }
}

/// <summary>One scrape of the product's <c>/metrics</c>: series (name with labels) → value.</summary>
internal sealed class MetricsSnapshot(IReadOnlyDictionary<string, double> series)
{
    public double this[string name] => series.GetValueOrDefault(name);

    /// <summary>The sum of every series of <paramref name="name"/>, whatever its labels.</summary>
    public double Sum(string name) =>
        series.Where(s => s.Key == name || s.Key.StartsWith(name + "{", StringComparison.Ordinal)).Sum(s => s.Value);

    public static async Task<MetricsSnapshot> ScrapeAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            if (space > 0 && double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                values[line[..space]] = value;
            }
        }

        return new MetricsSnapshot(values);
    }
}
