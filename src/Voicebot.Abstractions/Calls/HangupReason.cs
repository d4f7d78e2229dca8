namespace Voicebot.Abstractions.Calls;

/// <summary>Why a call ended from the gateway's side.</summary>
[GenerateSerializer, Alias("voicebot.hangup-reason")]
public enum HangupReason
{
    /// <summary>Asterisk closed the socket: the caller hung up.</summary>
    CallerHungUp = 0,

    /// <summary>The peer broke the AudioSocket protocol; the gateway hung up that connection.</summary>
    ProtocolError = 1,

    /// <summary>The peer sent nothing for too long.</summary>
    PeerTimeout = 2,

    /// <summary>The host is shutting down.</summary>
    Shutdown = 3,

    /// <summary>The gateway failed to serve the call (socket error, internal error).</summary>
    GatewayError = 4,
}
