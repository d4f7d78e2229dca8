namespace Voicebot.Cli.Calling;

/// <summary>How a simulated call ended.</summary>
public enum CallEndReason
{
    /// <summary>The caller closed the socket (end of scenario, <c>hangUp</c>, or mid-sentence).</summary>
    CallerHungUp = 0,

    /// <summary>The bot sent <c>00 00 00</c>: the dialplan would continue.</summary>
    BotHungUp,

    /// <summary>The bot closed the connection (EOF): the dialplan would continue too.</summary>
    ConnectionClosed,

    /// <summary>The connection failed (reset, socket error).</summary>
    ConnectionLost,

    /// <summary>The bot sent a message Asterisk rejects; Asterisk would have dropped the call.</summary>
    ProtocolViolation,
}
