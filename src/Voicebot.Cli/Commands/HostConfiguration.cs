using Microsoft.Extensions.Configuration;
using Voicebot.Host;
using Voicebot.Host.Hosting;

namespace Voicebot.Cli.Commands;

/// <summary>
/// The configuration the host reads, for the commands that work beside it without starting it (<c>cache</c>,
/// <c>calls</c>, <c>recordings</c>): appsettings.json next to the binaries, <c>.env</c>, the environment, then
/// <c>--Section:Key=value</c> arguments. Relative paths start at <see cref="ContentRoot"/>.
/// </summary>
internal static class HostConfiguration
{
    public static string ContentRoot => VoicebotHost.FindContentRoot();

    public static IConfiguration Build(string[] configArgs)
    {
        var contentRoot = ContentRoot;
        return new ConfigurationBuilder()
            .SetBasePath(contentRoot)
            .AddJsonFile("appsettings.json", optional: true)
            .AddDotEnvFile(Path.Combine(contentRoot, ".env"))
            .AddEnvironmentVariables()
            .AddCommandLine(configArgs)
            .Build();
    }
}
