using System.Globalization;

namespace Voicebot.Recordings.Maintenance;

/// <summary>Finds recordings (WAV) and archives (MP3) under the recordings root and tells their age.</summary>
public static class RecordingFiles
{
    /// <summary>A file written within this time may belong to a call still recording: maintenance leaves it alone.</summary>
    public static readonly TimeSpan DefaultMinimumAge = TimeSpan.FromSeconds(10);

    /// <summary>The WAV recordings under <paramref name="root"/>, oldest name first; empty when it does not exist.</summary>
    public static IReadOnlyList<string> Recordings(string root) => Find(root, "*.wav");

    /// <summary>The MP3 archives under <paramref name="root"/>.</summary>
    public static IReadOnlyList<string> Archives(string root) => Find(root, "*.mp3");

    /// <summary>
    /// When the recording started: from the <c>yyyyMMdd-HHmmss_</c> prefix of its name (UTC) when it has one, else the
    /// file's last write time.
    /// </summary>
    public static DateTimeOffset StartedAt(string path)
    {
        var name = Path.GetFileName(path);
        return name.Length >= 15 && DateTime.TryParseExact(
            name.AsSpan(0, 15), "yyyyMMdd-HHmmss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var started)
            ? new DateTimeOffset(started, TimeSpan.Zero)
            : new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero);
    }

    /// <summary>True when <paramref name="path"/> was written less than <paramref name="minimumAge"/> before <paramref name="now"/>.</summary>
    public static bool IsInUse(string path, DateTimeOffset now, TimeSpan minimumAge) =>
        minimumAge > TimeSpan.Zero && now - new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero) < minimumAge;

    private static string[] Find(string root, string pattern)
    {
        if (!Directory.Exists(root))
        {
            return [];
        }

        var files = Directory.GetFiles(root, pattern, SearchOption.AllDirectories);
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }
}
