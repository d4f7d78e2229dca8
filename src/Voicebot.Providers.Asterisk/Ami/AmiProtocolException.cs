namespace Voicebot.Providers.Asterisk.Ami;

/// <summary>The peer sent something that is not AMI (no banner, an oversized message). The connection is dropped.</summary>
public sealed class AmiProtocolException : Exception
{
    public AmiProtocolException()
    {
    }

    public AmiProtocolException(string message)
        : base(message)
    {
    }

    public AmiProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
