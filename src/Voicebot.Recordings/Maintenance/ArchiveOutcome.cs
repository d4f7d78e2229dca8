namespace Voicebot.Recordings.Maintenance;

/// <summary>What <see cref="RecordingArchiver"/> did with one recording.</summary>
public enum ArchiveOutcome
{
    /// <summary>Encoded and verified now.</summary>
    Archived,

    /// <summary>A verified archive was already there.</summary>
    AlreadyArchived,

    /// <summary>Written too recently: a call may still be recording it. Left alone.</summary>
    InUse,

    /// <summary>Could not be archived (see the problem); the original is kept.</summary>
    Failed,
}
