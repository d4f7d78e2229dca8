using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Voicebot.Providers.Asterisk.Ami;

/// <summary>
/// The Asterisk Manager Interface connection and what the bot does with it (section <c>Asterisk:Ami</c>). Off by
/// default: with <see cref="Enabled"/> false nothing is registered and the local technician schedule and the dialplan's
/// CURL outcome path stay in charge.
/// </summary>
public sealed partial class AmiOptions : IValidatableObject
{
    public const string SectionName = "Asterisk:Ami";

    /// <summary>Connect to AMI and use it for technician availability and transfers. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>Host name or IP address of Asterisk's manager listener. Default <c>127.0.0.1</c>.</summary>
    [Required]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port of the manager listener (<c>manager.conf</c> <c>port</c>). Default 5038.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 5038;

    /// <summary>The <c>manager.conf</c> user (section name). Required when <see cref="Enabled"/>.</summary>
    public string Username { get; set; } = "";

    /// <summary>
    /// The user's <c>secret</c>. Required when <see cref="Enabled"/>. Keep it out of appsettings.json: set
    /// <c>Asterisk__Ami__Secret</c> in the environment or the <c>.env</c> file. Never logged.
    /// </summary>
    public string Secret { get; set; } = "";

    /// <summary>
    /// The <c>Events</c> mask sent with <c>Login</c>. Default <c>off</c>: the bot only needs the replies to its own
    /// actions (those are sent whatever the mask), and a busy PBX sends thousands of events a minute. Use e.g.
    /// <c>call</c> or <c>on</c> to receive unsolicited events.
    /// </summary>
    [Required]
    public string Events { get; set; } = "off";

    /// <summary>The queue whose members are the technicians (<c>queues.conf</c>). Default <c>technicians</c>.</summary>
    [Required]
    public string Queue { get; set; } = "technicians";

    /// <summary>
    /// Median first wait before reconnecting after a drop; doubles on each failure up to <see cref="ReconnectMaxDelay"/>, with
    /// jitter so that clients restarted together do not reconnect in step. Default 1 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between reconnection attempts, and the wait after a refused login. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest wait for the TCP connect, the banner and each action's reply. Default 2 s, below the call's 3 s limit on
    /// the technician check, so a slow Asterisk gives "not available" rather than a timed-out turn.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Keep-alive: a <c>Ping</c> this often; an unanswered one drops the connection and reconnects. Default 20 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a <c>QueueSummary</c> answer is reused, so a burst of calls costs one action. Default 2 s; 0 disables.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan AvailabilityCacheDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Dialplan context the caller's channel is redirected to on a transfer. Default <c>voicebot-technicians</c>.</summary>
    [Required]
    public string TransferContext { get; set; } = "voicebot-technicians";

    /// <summary>Extension in <see cref="TransferContext"/>. Default <c>s</c>.</summary>
    [Required]
    public string TransferExtension { get; set; } = "s";

    /// <summary>Priority in <see cref="TransferContext"/> (a number or a label). Default <c>1</c>.</summary>
    [Required]
    public string TransferPriority { get; set; } = "1";

    /// <summary>
    /// The channel variable the dialplan sets to the AudioSocket UUID before <c>AudioSocket()</c>, so the bot can find the
    /// caller's channel with <c>Status</c>. Default <c>VOICEBOT_CALL_ID</c>.
    /// </summary>
    [Required]
    public string CallIdVariable { get; set; } = "VOICEBOT_CALL_ID";

    /// <summary>
    /// Prefix of the channel variables carrying the collected slots: slot <c>phone</c> becomes <c>VOICEBOT_PHONE</c>,
    /// <c>name_clip</c> becomes <c>VOICEBOT_NAME_CLIP</c>. Default <c>VOICEBOT_</c>.
    /// </summary>
    [Required]
    public string VariablePrefix { get; set; } = "VOICEBOT_";

    /// <summary>Channel variable set to <c>transfer</c> before the redirect. Default <c>VOICEBOT_OUTCOME</c>.</summary>
    [Required]
    public string OutcomeVariable { get; set; } = "VOICEBOT_OUTCOME";

    /// <summary>
    /// Set the variables with Asterisk's <c>__</c> prefix so the technician's channel inherits them (screen pop, agent
    /// dialplan). Default true. The dialplan reads them as usual (<c>${VOICEBOT_PHONE}</c>).
    /// </summary>
    public bool InheritVariables { get; set; } = true;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ReconnectMaxDelay < ReconnectMinDelay)
        {
            yield return new ValidationResult(
                $"ReconnectMaxDelay ({ReconnectMaxDelay}) must not be shorter than ReconnectMinDelay ({ReconnectMinDelay}).",
                [nameof(ReconnectMaxDelay)]);
        }

        foreach (var (name, value) in new[]
        {
            (nameof(CallIdVariable), CallIdVariable), (nameof(VariablePrefix), VariablePrefix), (nameof(OutcomeVariable), OutcomeVariable),
        })
        {
            if (!string.IsNullOrEmpty(value) && !VariableName().IsMatch(value))
            {
                yield return new ValidationResult(
                    $"{name} '{value}' is not a channel variable name (letters, digits and '_', not starting with a digit or '_').", [name]);
            }
        }

        foreach (var (name, value) in new[]
        {
            (nameof(Host), Host), (nameof(Username), Username), (nameof(Queue), Queue), (nameof(Events), Events),
            (nameof(TransferContext), TransferContext), (nameof(TransferExtension), TransferExtension), (nameof(TransferPriority), TransferPriority),
        })
        {
            // A line break would end the AMI header and inject another one.
            if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                yield return new ValidationResult($"{name} must not contain a line break.", [name]);
            }
        }

        if (!Enabled)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(Username))
        {
            yield return new ValidationResult(
                "Asterisk:Ami:Username is required when AMI is enabled (the manager.conf user).", [nameof(Username)]);
        }

        if (string.IsNullOrEmpty(Secret))
        {
            yield return new ValidationResult(
                "Asterisk:Ami:Secret is required when AMI is enabled: set Asterisk__Ami__Secret in the environment or the .env file.",
                [nameof(Secret)]);
        }
        else if (Secret.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            yield return new ValidationResult("Asterisk:Ami:Secret must not contain a line break.", [nameof(Secret)]);
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();
}
