namespace Voicebot.Recordings.Maintenance;

/// <summary>The retention policy: recordings and archives older than <see cref="RecordingOptions.RetentionDays"/> go.</summary>
public static class RecordingRetention
{
    /// <summary>
    /// Recordings (WAV) and archives (MP3) under <paramref name="root"/> that started more than
    /// <paramref name="retentionDays"/> days before <paramref name="now"/>; none when <paramref name="retentionDays"/> is 0.
    /// </summary>
    public static IReadOnlyList<string> Expired(string root, int retentionDays, DateTimeOffset now)
    {
        if (retentionDays <= 0)
        {
            return [];
        }

        var cutoff = now - TimeSpan.FromDays(retentionDays);
        return [.. RecordingFiles.Recordings(root).Concat(RecordingFiles.Archives(root)).Where(path => RecordingFiles.StartedAt(path) < cutoff).Order(StringComparer.Ordinal)];
    }

    /// <summary>Deletes <paramref name="files"/>, then the day folders under <paramref name="root"/> left empty.</summary>
    public static void Delete(IEnumerable<string> files, string root)
    {
        ArgumentNullException.ThrowIfNull(files);
        foreach (var file in files)
        {
            File.Delete(file);
        }

        if (!Directory.Exists(root))
        {
            return;
        }

        foreach (var day in Directory.GetDirectories(root))
        {
            if (!Directory.EnumerateFileSystemEntries(day).Any())
            {
                Directory.Delete(day);
            }
        }
    }
}
