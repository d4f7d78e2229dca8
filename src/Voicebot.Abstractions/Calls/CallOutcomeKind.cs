namespace Voicebot.Abstractions.Calls;

/// <summary>How a call ended, as the dialplan sees it (<c>GET /calls/{id}/outcome</c>).</summary>
[GenerateSerializer, Alias("voicebot.call-outcome-kind")]
public enum CallOutcomeKind
{
    /// <summary>The caller is to be put through to a technician: the dialplan continues to <c>Queue(technicians)</c>.</summary>
    Transfer = 0,

    /// <summary>The first-level fix worked.</summary>
    Resolved = 1,

    /// <summary>The fix did not work and no technician was free: the caller was promised a call back.</summary>
    NoTechnician = 2,

    /// <summary>The caller hung up or stayed silent.</summary>
    Abandoned = 3,

    /// <summary>The bot could not complete the call (not understood, provider failures, protocol error, time limit).</summary>
    Error = 4,
}
