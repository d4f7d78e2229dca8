namespace Voicebot.Cli.Calling;

/// <summary>
/// Technician availability a scenario's outcome depends on (<c>"technicians": "available"</c> or <c>"busy"</c>): the
/// bot's default follows office hours, so a scenario that reaches CHECK_TECHNICIAN needs the bot pinned to one answer.
/// </summary>
public enum ScenarioTechnicians
{
    /// <summary>A technician takes the call: the bot transfers.</summary>
    Available,

    /// <summary>No technician: the bot promises a call back.</summary>
    Busy,
}
