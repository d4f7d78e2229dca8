namespace Voicebot.Cli.Calling;

/// <summary>Wait until the bot has spoken and then stayed silent (see <see cref="SimulatedCallerOptions.BotSilenceToFinish"/>).</summary>
public sealed record WaitForPromptStep
{
    /// <summary>Give up (the scenario fails) after this many seconds. Default 20.</summary>
    public double TimeoutSeconds { get; init; } = 20;

    /// <summary>
    /// Seconds without bot speech that end the prompt; <see langword="null"/> = the caller's setting (0.6 s). Raise it when
    /// the bot pauses between two phrases of one turn.
    /// </summary>
    public double? SilenceSeconds { get; init; }
}
