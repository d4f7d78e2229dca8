namespace Voicebot.Providers.Asterisk.Ami;

/// <summary>How one AMI connection attempt ended.</summary>
internal enum AmiSessionOutcome
{
    /// <summary>The client is stopping: no further attempt.</summary>
    Stopped,

    /// <summary>No session: connect, banner or login reply failed.</summary>
    ConnectFailed,

    /// <summary>Asterisk refused the user or secret.</summary>
    LoginRefused,

    /// <summary>A logged-in session ended.</summary>
    Dropped,
}
