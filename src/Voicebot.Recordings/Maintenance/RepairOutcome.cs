namespace Voicebot.Recordings.Maintenance;

/// <summary>What <see cref="RecordingRepair"/> did to one file.</summary>
public enum RepairOutcome
{
    /// <summary>The header already matched the file.</summary>
    Valid,

    /// <summary>The sizes were rewritten from the file length (and a partial sample frame dropped).</summary>
    Repaired,

    /// <summary>Modified too recently: a recording may still be writing it. Left alone.</summary>
    InUse,

    /// <summary>Not a PCM WAV file this tool can fix. Left alone.</summary>
    NotWav,
}
