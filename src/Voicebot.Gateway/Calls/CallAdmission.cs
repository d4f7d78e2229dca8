namespace Voicebot.Gateway.Calls;

/// <summary>The outcome of <see cref="CallRegistry.TryAdmit"/>.</summary>
internal enum CallAdmission
{
    /// <summary>The call holds a slot until <see cref="CallRegistry.Release"/>.</summary>
    Admitted,

    /// <summary>Every slot is taken: play the busy phrase and hang up.</summary>
    Busy,

    /// <summary>Another connection already carries this call id.</summary>
    Duplicate,

    /// <summary>The gateway is draining for shutdown: hang up at once so Asterisk routes the call elsewhere.</summary>
    Draining,
}
