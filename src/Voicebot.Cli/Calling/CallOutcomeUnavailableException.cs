namespace Voicebot.Cli.Calling;

/// <summary>The bot could not tell a call's outcome: its HTTP API is unreachable, or it has no such (finished) call.</summary>
public sealed class CallOutcomeUnavailableException : Exception
{
    public CallOutcomeUnavailableException()
    {
    }

    public CallOutcomeUnavailableException(string message)
        : base(message)
    {
    }

    public CallOutcomeUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
