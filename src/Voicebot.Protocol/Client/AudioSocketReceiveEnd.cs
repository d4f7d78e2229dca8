namespace Voicebot.Protocol.Client;

/// <summary>Why a client's receive loop returned.</summary>
public enum AudioSocketReceiveEnd
{
    /// <summary>The receiver returned <see langword="false"/>.</summary>
    StoppedByReceiver,

    /// <summary>The server closed the connection (EOF).</summary>
    ServerClosed,

    /// <summary>The connection broke (reset, or another socket error).</summary>
    ConnectionLost,

    /// <summary>The server sent bytes that are not an AudioSocket message; see <see cref="AudioSocketReceiveResult.Error"/>.</summary>
    ProtocolViolation,

    /// <summary>The token was cancelled or this side closed the connection.</summary>
    Cancelled,
}
