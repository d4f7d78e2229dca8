namespace Voicebot.Cli.Calling;

/// <summary>A scripted call (<c>assets/scenarios/*.json</c>): what the simulated caller does, step by step.</summary>
public sealed record CallScenario
{
    /// <summary>Short name, e.g. <c>internet-fixed</c>.</summary>
    public required string Name { get; init; }

    /// <summary>What the scenario exercises.</summary>
    public string Description { get; init; } = "";

    /// <summary>Call sample rate in Hz (8000 → kind 0x10, 16000 → 0x12); <see langword="null"/> = the caller's default (8000).</summary>
    public int? SampleRate { get; init; }

    /// <summary>The steps, run in order.</summary>
    public required IReadOnlyList<ScenarioStep> Steps { get; init; }

    /// <summary>What the bot should have done (checked by end-to-end tests, not by the caller).</summary>
    public ScenarioExpectation? Expect { get; init; }
}
