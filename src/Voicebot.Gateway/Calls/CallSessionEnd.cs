namespace Voicebot.Gateway.Calls;

/// <summary>Why a <see cref="CallSession"/> stopped writing.</summary>
internal enum CallSessionEnd
{
    /// <summary>The control plane asked for the hang-up; the queue drained and 00 00 00 was flushed.</summary>
    HangupSent,

    /// <summary>The gateway aborted the call (protocol violation, timeout, failure) and 00 00 00 was flushed.</summary>
    AbortSent,

    /// <summary>The socket went away under a write: the caller hung up.</summary>
    TransportClosed,

    /// <summary>Writing failed for another reason.</summary>
    Failed,
}
