using System.ComponentModel.DataAnnotations;

namespace Voicebot.Gateway.Drain;

/// <summary>
/// What the gateway does with active calls when the host stops (section <c>Drain</c>). Every default runs with no keys.
/// The host's shutdown timeout is derived from these (<see cref="ShutdownBudget"/>), so they stay consistent.
/// </summary>
public sealed class DrainOptions
{
    public const string SectionName = "Drain";

    /// <summary>
    /// How long active calls may go on after the stop signal before they hear the goodbye. Default 2 min: a support
    /// call on the keypad flow lasts one to three minutes, so most calls in flight end on their own, while a restart
    /// still completes within a few minutes (systemd's <c>TimeoutStopSec</c>, Kubernetes' grace period). 0 says the
    /// goodbye at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan Deadline { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// After the goodbye starts, how long it may take to play and the hang-up to reach Asterisk before the connection is
    /// cut. The phrase lasts about 5 s. Default 15 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan GoodbyeTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Phrase played to the calls still active at the deadline. Default <c>shutdown_goodbye</c>.</summary>
    [Required]
    public string GoodbyePhraseKey { get; set; } = "shutdown_goodbye";

    /// <summary>
    /// Once the last call has ended, how long the host keeps serving HTTP before it goes on stopping, so the dialplan's
    /// <c>CURL()</c> of the last calls' outcome still gets an answer. Default 0: the gateway alone serves no outcome;
    /// the host, which does, sets 3 s in its appsettings.json.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan OutcomeLinger { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// The whole stop, worst case: deadline, goodbye, linger, and 30 s to report the last ends, flush the call records
    /// and stop the web server and the silo. The host's shutdown timeout is raised to this; systemd's
    /// <c>TimeoutStopSec</c> and Kubernetes' <c>terminationGracePeriodSeconds</c> must exceed it.
    /// </summary>
    public TimeSpan ShutdownBudget => Deadline + GoodbyeTimeout + OutcomeLinger + TimeSpan.FromSeconds(30);
}
