namespace Voicebot.Recordings.Recording;

/// <summary>The recordings root as an absolute path (<see cref="RecordingOptions.Directory"/> resolved against the content root).</summary>
/// <param name="Path">Absolute directory path.</param>
public sealed record RecordingDirectory(string Path)
{
    /// <summary>Resolves <paramref name="directory"/> against <paramref name="contentRoot"/> when it is relative.</summary>
    public static RecordingDirectory Resolve(string contentRoot, string directory) =>
        new(System.IO.Path.GetFullPath(System.IO.Path.Combine(contentRoot, directory)));
}
