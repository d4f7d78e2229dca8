namespace Voicebot.Recordings.Maintenance;

/// <summary>One file seen by <see cref="RecordingRepair"/>.</summary>
/// <param name="Path">The file.</param>
/// <param name="Outcome">What was done.</param>
/// <param name="ClaimedDataBytes">The data size the header claimed before.</param>
/// <param name="DataBytes">The data size now (whole sample frames on disk).</param>
/// <param name="DroppedBytes">Trailing bytes of a partial sample frame removed.</param>
/// <param name="Seconds">Audio now in the file.</param>
public sealed record RepairResult(string Path, RepairOutcome Outcome, long ClaimedDataBytes, long DataBytes, long DroppedBytes, double Seconds);
