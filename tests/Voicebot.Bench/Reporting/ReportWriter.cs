using System.Text.Json;
using System.Text.Json.Serialization;
using Voicebot.Bench.Running;

namespace Voicebot.Bench.Reporting;

/// <summary>Writes a <see cref="BenchReport"/> as indented camelCase JSON, creating the directory.</summary>
public static class ReportWriter
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static async Task WriteAsync(BenchReport report, string path, CancellationToken cancellationToken = default)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, report, Options, cancellationToken);
    }
}
