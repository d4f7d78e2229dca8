namespace Voicebot.Gateway.Calls;

/// <summary>
/// Where one connection's <see cref="CallSession"/> is in its life. Ordered: a session only moves forward
/// (<see cref="CallSessionLifecycle"/> says which moves are legal).
/// </summary>
internal enum CallSessionPhase
{
    /// <summary>Plays what the control plane queues, silence when nothing is; flushes and barge-ins drop the queue.</summary>
    Active = 0,

    /// <summary>
    /// A hang-up is asked for (by the bot, the drain or the gateway's abort): what is queued plays out (nothing after an
    /// abort), then the hang-up is written.
    /// </summary>
    Draining = 1,

    /// <summary>
    /// The hang-up (00 00 00) is in the socket's pipe or the wire sender's queue, behind the last audio: nothing more is
    /// queued or dropped, the session waits for it to reach the socket.
    /// </summary>
    HangingUp = 2,

    /// <summary>Nothing more is written: the hang-up reached the socket, the socket failed, or the connection let go.</summary>
    Closed = 3,

    /// <summary>The connection is gone, and its pipe and the session's lifetime token with it: neither may be touched.</summary>
    Disposed = 4,
}
