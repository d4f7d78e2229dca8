using System.Text.Json;
using Spectre.Console;

namespace Voicebot.Bench.Load;

// TEMPORARY local stand-in until the real writer is merged.
internal static class LoadReportWriter
{
    public static void WriteTable(IAnsiConsole console, LoadBenchReport report) => console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));

    public static async Task WriteJsonAsync(string path, LoadBenchReport report, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }), ct);
    }

    public static void WritePlot(string path, LoadBenchReport report)
    {
    }
}
