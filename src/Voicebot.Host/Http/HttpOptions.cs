using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Voicebot.Host.Http;

/// <summary>The HTTP endpoint: health, metrics, call outcomes for the dialplan's <c>CURL()</c>, call data for operators.</summary>
public sealed class HttpOptions : IValidatableObject
{
    public const string SectionName = "Http";

    /// <summary>The shortest operator token accepted: long enough that guessing it is not an option.</summary>
    public const int MinimumTokenLength = 16;

    /// <summary>Address to listen on. Default 127.0.0.1 (Asterisk on the same machine).</summary>
    [Required]
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>Port. Default 8088; 0 picks a free port (tests).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 8088;

    /// <summary>
    /// The operator token. When set, call data (<c>/calls/*</c>, <c>/cluster/*</c>) answers only requests that carry it
    /// (<c>Authorization: Bearer …</c>, or <c>?access_token=…</c> for a dialplan's <c>CURL()</c>); the dialplan's
    /// outcome request from this machine (loopback) needs none. Required when <see cref="ListenAddress"/> is not a
    /// loopback address. Empty (default): open, on loopback only.
    /// </summary>
    public string? OperatorToken { get; set; }

    /// <summary>Whether an operator token is configured.</summary>
    public bool RequiresToken => !string.IsNullOrEmpty(OperatorToken);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IPAddress.TryParse(ListenAddress, out var address))
        {
            yield return new ValidationResult(
                $"Http:ListenAddress '{ListenAddress}' is not an IP address (use 127.0.0.1, 0.0.0.0 or ::).", [nameof(ListenAddress)]);
        }
        else if (!IPAddress.IsLoopback(address) && !RequiresToken)
        {
            yield return new ValidationResult(
                $"Http:ListenAddress is {ListenAddress} but Http:OperatorToken is empty: anyone reaching the port could read call data. " +
                $"Set Http:OperatorToken (at least {MinimumTokenLength} characters) or listen on 127.0.0.1.",
                [nameof(OperatorToken)]);
        }

        if (RequiresToken && OperatorToken!.Length < MinimumTokenLength)
        {
            yield return new ValidationResult(
                $"Http:OperatorToken is {OperatorToken.Length} characters long; use at least {MinimumTokenLength} (e.g. `openssl rand -hex 24`).",
                [nameof(OperatorToken)]);
        }
    }
}
