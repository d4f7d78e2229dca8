using System.Text.Json.Serialization;

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

    /// <summary>
    /// Technician availability the expected outcome needs, or <see langword="null"/> when the call never asks for one.
    /// <c>serve --demo</c> pins the bot's <c>Technicians:Mode</c> from it.
    /// </summary>
    [JsonConverter(typeof(JsonStringEnumConverter<ScenarioTechnicians>))]
    public ScenarioTechnicians? Technicians { get; init; }

    /// <summary>The steps, run in order.</summary>
    public required IReadOnlyList<ScenarioStep> Steps { get; init; }

    /// <summary>What the bot should have done (its outcome is checked by <c>voicebot call</c>, all of it by the end-to-end tests).</summary>
    public ScenarioExpectation? Expect { get; init; }
}
