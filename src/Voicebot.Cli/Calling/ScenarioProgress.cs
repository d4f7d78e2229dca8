namespace Voicebot.Cli.Calling;

/// <summary>A step of a scenario starting (reported just before the caller acts).</summary>
/// <param name="At">Time since the caller connected.</param>
/// <param name="StepNumber">1-based.</param>
/// <param name="Step">The step.</param>
public sealed record ScenarioProgress(TimeSpan At, int StepNumber, ScenarioStep Step);
