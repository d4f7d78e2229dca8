namespace Voicebot.Gateway.Drain;

/// <summary>
/// Whether this gateway is draining for a shutdown: it refuses new calls and lets the active ones finish. Readiness
/// checks read it, so a load balancer stops sending calls as soon as the drain starts. Thread-safe.
/// </summary>
public interface IDrainState
{
    /// <summary>True from the moment the host starts stopping; never goes back to false.</summary>
    bool IsDraining { get; }
}
