using Voicebot.Abstractions;

namespace Voicebot.Providers.Deepgram;

/// <summary>One failed handshake; the retry pipeline decides on <see cref="IsTransient"/>, then it becomes a <see cref="ProviderUnavailableException"/>.</summary>
internal sealed class DeepgramConnectException : Exception
{
    public DeepgramConnectException()
    {
    }

    public DeepgramConnectException(string message)
        : base(message)
    {
    }

    public DeepgramConnectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DeepgramConnectException(ProviderFailure failure, bool isTransient, string message, Exception? innerException)
        : base(message, innerException)
    {
        Failure = failure;
        IsTransient = isTransient;
    }

    public ProviderFailure Failure { get; } = ProviderFailure.Unknown;

    /// <summary>Whether another attempt may succeed (timeouts, refused connections, 408/429/5xx); 401/403/400 will not.</summary>
    public bool IsTransient { get; }
}
