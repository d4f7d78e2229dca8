namespace Voicebot.Grains.Conversation;

/// <summary>Resolves configured relative paths against one root (the host's content root), so the product runs from any working directory.</summary>
public sealed class ContentPaths(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(Root, path));

    /// <summary>
    /// A server path as it may leave the process (HTTP answers): relative to the root when under it, else the file name
    /// alone. Text that is no rooted path (e.g. "(nothing said)") is returned as it is.
    /// </summary>
    public string ToPublic(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!Path.IsPathRooted(path))
        {
            return path;
        }

        var relative = Path.GetRelativePath(Root, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? Path.GetFileName(path) : relative;
    }
}
