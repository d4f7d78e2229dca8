namespace Voicebot.Abstractions;

/// <summary>
/// A cloud or local provider (speech recognition, language model, speech synthesis) cannot serve now: connection
/// refused, timed out, closed, or an error status. The call degrades (DTMF menus, rules, cached phrases); it does not end.
/// </summary>
public sealed class ProviderUnavailableException : Exception
{
    public ProviderUnavailableException()
    {
    }

    public ProviderUnavailableException(string message)
        : base(message)
    {
    }

    public ProviderUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ProviderUnavailableException(string provider, ProviderFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Provider = provider;
        Failure = failure;
    }

    /// <summary>e.g. <c>deepgram</c>, <c>openai-tts</c>, <c>llm</c>.</summary>
    public string Provider { get; } = "unknown";

    public ProviderFailure Failure { get; } = ProviderFailure.Unknown;
}

/// <summary>How a provider failed (logged and counted).</summary>
public enum ProviderFailure
{
    Unknown = 0,
    ConnectRefused,
    ConnectTimeout,
    FirstByteTimeout,
    HttpStatus,
    Closed,
    Protocol,
}
