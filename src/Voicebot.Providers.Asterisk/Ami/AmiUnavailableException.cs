namespace Voicebot.Providers.Asterisk.Ami;

/// <summary>
/// An action could not be carried out: not connected or logged in, the connection dropped, or no reply within
/// <see cref="AmiOptions.RequestTimeout"/>. A reply with <c>Response: Error</c> is not an exception (see <see cref="AmiResponse"/>).
/// </summary>
public sealed class AmiUnavailableException : Exception
{
    public AmiUnavailableException()
    {
    }

    public AmiUnavailableException(string message)
        : base(message)
    {
    }

    public AmiUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
