namespace Voicebot.Cli.Tests.Support;

internal static class RepositoryRoot
{
    /// <summary>The directory holding Voicebot.Orleans.sln, found by walking up from the test binaries.</summary>
    public static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Voicebot.Orleans.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Voicebot.Orleans.sln above {AppContext.BaseDirectory}.");
    }
}
