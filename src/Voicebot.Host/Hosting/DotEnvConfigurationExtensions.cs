namespace Voicebot.Host.Hosting;

/// <summary>
/// Reads secrets from a <c>.env</c> file (<c>KEY=value</c> lines, <c>#</c> comments) into configuration, so API keys
/// never live in appsettings.json. <c>__</c> in a key means a section separator, as for environment variables.
/// Real environment variables win over the file.
/// </summary>
public static class DotEnvConfigurationExtensions
{
    public static IConfigurationBuilder AddDotEnvFile(this IConfigurationBuilder configuration, string path)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!File.Exists(path))
        {
            return configuration;
        }

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var key = line[..equals].Trim();
            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }

            if (Environment.GetEnvironmentVariable(key) is null)
            {
                values[key.Replace("__", ":", StringComparison.Ordinal)] = value;
            }
        }

        return configuration.AddInMemoryCollection(values);
    }
}
