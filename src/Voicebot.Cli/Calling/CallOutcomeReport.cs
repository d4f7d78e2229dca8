namespace Voicebot.Cli.Calling;

/// <summary>A finished call's outcome as the bot's HTTP API names it.</summary>
/// <param name="Outcome"><c>transfer</c>, <c>resolved</c>, <c>no-technician</c>, <c>abandoned</c> or <c>error</c>.</param>
/// <param name="Reason">Why the call ended, e.g. <c>completed</c>, <c>not-understood</c>.</param>
public sealed record CallOutcomeReport(string Outcome, string? Reason)
{
    /// <summary><c>transfer (reason completed)</c>.</summary>
    public override string ToString() => Reason is null ? Outcome : $"{Outcome} (reason {Reason})";
}
