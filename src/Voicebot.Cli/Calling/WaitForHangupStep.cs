namespace Voicebot.Cli.Calling;

/// <summary>Wait until the bot ends the call: a <c>00 00 00</c> message or the connection closing.</summary>
public sealed record WaitForHangupStep
{
    /// <summary>Give up (the scenario fails) after this many seconds. Default 40.</summary>
    public double TimeoutSeconds { get; init; } = 40;
}
