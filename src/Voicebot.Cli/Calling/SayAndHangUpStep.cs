namespace Voicebot.Cli.Calling;

/// <summary>Start speaking <see cref="Text"/> and close the socket <see cref="AfterSeconds"/> into it.</summary>
public sealed record SayAndHangUpStep
{
    /// <summary>The line the caller starts to say.</summary>
    public required string Text { get; init; }

    /// <summary>Seconds of the line spoken before hanging up. Default 0.6.</summary>
    public double AfterSeconds { get; init; } = 0.6;
}
