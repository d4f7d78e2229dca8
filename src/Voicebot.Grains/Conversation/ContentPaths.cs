namespace Voicebot.Grains.Conversation;

/// <summary>Resolves configured relative paths against one root (the host's content root), so the product runs from any working directory.</summary>
public sealed class ContentPaths(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(Root, path));
}
