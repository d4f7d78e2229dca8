namespace Voicebot.Cli.Calling;

/// <summary>How a scenario run went.</summary>
/// <param name="Completed">Every step ran.</param>
/// <param name="StepsRun">Steps started (the failing one included).</param>
/// <param name="Failure">Why it stopped early, or <see langword="null"/>.</param>
/// <param name="EndReason">How the call ended.</param>
public sealed record ScenarioResult(bool Completed, int StepsRun, string? Failure, CallEndReason? EndReason);
