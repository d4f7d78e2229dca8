namespace Voicebot.Recordings.Maintenance;

/// <summary>One recording seen by <see cref="RecordingArchiver"/>.</summary>
/// <param name="Path">The WAV recording.</param>
/// <param name="ArchivePath">The verified archive, when there is one.</param>
/// <param name="Outcome">What was done.</param>
/// <param name="Seconds">Audio in the recording.</param>
/// <param name="WavBytes">Size of the WAV.</param>
/// <param name="ArchiveBytes">Size of the archive (0 without one).</param>
/// <param name="OriginalDeleted">True when the WAV was deleted after its archive was verified.</param>
/// <param name="Problem">Why it failed, for people.</param>
public sealed record ArchiveResult(
    string Path, string? ArchivePath, ArchiveOutcome Outcome, double Seconds, long WavBytes, long ArchiveBytes, bool OriginalDeleted, string? Problem = null);
