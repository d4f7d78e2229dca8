namespace Voicebot.Gateway.Calls;

/// <summary>What <see cref="CallSession.WriteNextFrame()"/> did on one pacer tick.</summary>
internal enum PacerWrite
{
    /// <summary>One frame (audio, silence or the hang-up) went into the socket's pipe.</summary>
    Written,

    /// <summary>
    /// One audio frame went into the pipe, but a streamed phrase ran dry in it: its next chunk had not arrived, so the
    /// frame was padded with silence.
    /// </summary>
    Starved,

    /// <summary>
    /// The socket was still busy: the previous flush is pending (nothing written this tick) or, with the wire sender, it
    /// found the socket full on some of its ticks. Not a streamed phrase running dry: that is <see cref="Starved"/>.
    /// </summary>
    Underrun,

    /// <summary>The session has ended or is closing.</summary>
    Closed,
}
