namespace Voicebot.Conversation.Tests;

/// <summary>Finds the repository from the test binaries: the first parent directory holding <c>Voicebot.Orleans.sln</c>.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Assets => Path.Combine(Root, "assets");

    public static string Flows => Path.Combine(Assets, "flows");

    public static string Phrases => Path.Combine(Assets, "phrases");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Voicebot.Orleans.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Voicebot.Orleans.sln above {AppContext.BaseDirectory}.");
    }
}
