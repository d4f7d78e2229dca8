namespace Voicebot.Cli.Calling;

/// <summary>The call ended before a caller action could complete.</summary>
public sealed class CallEndedException : Exception
{
    public CallEndedException()
        : this(CallEndReason.CallerHungUp)
    {
    }

    public CallEndedException(string message)
        : base(message)
    {
    }

    public CallEndedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CallEndedException(CallEndReason reason)
        : base($"The call has ended ({reason}).")
    {
        Reason = reason;
    }

    /// <summary>How the call ended.</summary>
    public CallEndReason Reason { get; }
}
