namespace Voicebot.Protocol;

/// <summary>The peer broke the AudioSocket protocol. The connection must be hung up; nothing else is affected.</summary>
public sealed class AudioSocketProtocolException : Exception
{
    public AudioSocketProtocolException()
        : this(AudioSocketViolation.Unknown, "AudioSocket protocol violation.")
    {
    }

    public AudioSocketProtocolException(string message)
        : this(AudioSocketViolation.Unknown, message)
    {
    }

    public AudioSocketProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
        Violation = AudioSocketViolation.Unknown;
    }

    public AudioSocketProtocolException(AudioSocketViolation violation, string message)
        : base(message)
    {
        Violation = violation;
    }

    /// <summary>Which rule was broken (stable, for logs and metrics).</summary>
    public AudioSocketViolation Violation { get; }
}

/// <summary>The rules an inbound AudioSocket peer can break.</summary>
public enum AudioSocketViolation
{
    Unknown = 0,
    UnknownKind,
    PayloadTooLarge,
    MediaBeforeUuid,
    SecondUuid,
    UuidLength,
    OddAudioLength,
    EmptyAudio,
    DtmfLength,
    UnexpectedKind,
    IdleTimeout,
}
