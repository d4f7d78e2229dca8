namespace Voicebot.Testing.Paths;

/// <summary>Locates the repository (the directory holding Voicebot.Orleans.sln) from the test binaries.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootDirectory = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Voicebot.Orleans.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Voicebot.Orleans.sln not found above " + AppContext.BaseDirectory);
    });

    public static string Root => RootDirectory.Value;

    public static string Assets => Path.Combine(Root, "assets");

    /// <summary>A new empty directory under the system temp directory.</summary>
    public static string NewTemporaryDirectory(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }
}
