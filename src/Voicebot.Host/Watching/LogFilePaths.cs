namespace Voicebot.Host.Watching;

/// <summary>
/// Serilog's file sink opens a relative path from the working directory; every other path in the configuration
/// (data, cache, clips) starts at the content root. This makes log paths start there too.
/// </summary>
internal static class LogFilePaths
{
    public static void AnchorToContentRoot(IConfiguration configuration, string contentRoot)
    {
        foreach (var sink in configuration.GetSection("Serilog:WriteTo").GetChildren())
        {
            var path = sink.GetSection("Args:path");
            if (path.Value is { Length: > 0 } relative && !Path.IsPathRooted(relative))
            {
                path.Value = Path.GetFullPath(Path.Combine(contentRoot, relative));
            }
        }
    }
}
