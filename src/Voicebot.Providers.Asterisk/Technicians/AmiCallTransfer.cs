using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Technicians;
using Voicebot.Providers.Asterisk.Ami;

namespace Voicebot.Providers.Asterisk.Technicians;

/// <summary>
/// Transfers a caller with AMI: finds the caller's channel by <see cref="AmiOptions.CallIdVariable"/>, sets the
/// collected slots on it as channel variables (<c>phone</c> → <c>VOICEBOT_PHONE</c>…, plus
/// <see cref="AmiOptions.OutcomeVariable"/> = <c>transfer</c>), then <c>Redirect</c>s it to
/// <see cref="AmiOptions.TransferContext"/>. Any failure returns false and the dialplan routes on the outcome as
/// without AMI. Thread-safe (stateless).
/// </summary>
/// <remarks>
/// The channel is looked up on demand with <c>Status</c> (<c>Variables: VOICEBOT_CALL_ID</c>) rather than from a map
/// kept from <c>Newchannel</c>/<c>VarSet</c> events: a transfer is rare, a lookup is one action, it is right after a
/// reconnection (a map would have missed the events sent while disconnected), and the login can keep
/// <c>Events: off</c> instead of receiving every <c>VarSet</c> of the PBX.
/// </remarks>
public sealed class AmiCallTransfer : ICallTransfer
{
    /// <summary>The value of <see cref="AmiOptions.OutcomeVariable"/> on a transfer.</summary>
    public const string TransferOutcome = "transfer";

    private readonly IAmiClient _ami;
    private readonly AmiOptions _options;
    private readonly ILogger<AmiCallTransfer> _logger;

    public AmiCallTransfer(IAmiClient ami, IOptions<AmiOptions> options, ILogger<AmiCallTransfer> logger)
    {
        ArgumentNullException.ThrowIfNull(ami);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _ami = ami;
        _options = options.Value;
        _logger = logger;
    }

    /// <inheritdoc />
    public async ValueTask<bool> TransferAsync(Guid callId, IReadOnlyDictionary<string, string> slots, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(slots);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_ami.IsConnected)
        {
            AsteriskLog.CallTransferUnavailable(_logger, callId, "AMI is not connected");
            return false;
        }

        try
        {
            var status = await _ami.SendAsync(new AmiAction("Status") { ["Variables"] = _options.CallIdVariable }, cancellationToken);
            if (!status.IsSuccess)
            {
                AsteriskLog.CallTransferRefused(_logger, callId, "Status", null, status.MessageText);
                return false;
            }

            var channel = FindChannel(status.Events, callId);
            if (channel is null)
            {
                AsteriskLog.CallChannelNotFound(_logger, callId, _options.CallIdVariable, status.Events.Count);
                return false;
            }

            var variables = BuildVariables(slots);
            foreach (var (name, value) in variables)
            {
                var set = await _ami.SendAsync(
                    new AmiAction("Setvar") { ["Channel"] = channel, ["Variable"] = name, ["Value"] = value }, cancellationToken);
                if (!set.IsSuccess)
                {
                    AsteriskLog.CallTransferRefused(_logger, callId, "Setvar", channel, set.MessageText);
                    return false;
                }
            }

            var redirect = await _ami.SendAsync(
                new AmiAction("Redirect")
                {
                    ["Channel"] = channel,
                    ["Context"] = _options.TransferContext,
                    ["Exten"] = _options.TransferExtension,
                    ["Priority"] = _options.TransferPriority,
                },
                cancellationToken);
            if (!redirect.IsSuccess)
            {
                AsteriskLog.CallTransferRefused(_logger, callId, "Redirect", channel, redirect.MessageText);
                return false;
            }

            AsteriskLog.CallTransferred(
                _logger, callId, channel, _options.TransferContext, _options.TransferExtension, _options.TransferPriority, variables.Count);
            return true;
        }
        catch (AmiUnavailableException ex)
        {
            AsteriskLog.CallTransferUnavailable(_logger, callId, ex.Message);
            return false;
        }
    }

    /// <summary>
    /// The channel whose <see cref="AmiOptions.CallIdVariable"/> is <paramref name="callId"/>. Should several carry it
    /// (a dialplan that made it inheritable), the one running <c>AudioSocket</c> wins: that is the caller's leg.
    /// </summary>
    private string? FindChannel(IReadOnlyList<AmiMessage> statusEvents, Guid callId)
    {
        string? match = null;
        foreach (var item in statusEvents)
        {
            if (!string.Equals(item.EventName, "Status", StringComparison.OrdinalIgnoreCase)
                || !Guid.TryParse(item.GetChannelVariable(_options.CallIdVariable), out var id)
                || id != callId
                || item["Channel"] is not { Length: > 0 } channel)
            {
                continue;
            }

            if (string.Equals(item["Application"], "AudioSocket", StringComparison.OrdinalIgnoreCase))
            {
                return channel;
            }

            match ??= channel;
        }

        return match;
    }

    /// <summary>The variables to set, in a stable order: the outcome first, then the slots by name.</summary>
    internal List<(string Name, string Value)> BuildVariables(IReadOnlyDictionary<string, string> slots)
    {
        var inherit = _options.InheritVariables ? "__" : "";
        var variables = new List<(string, string)>(slots.Count + 1) { (inherit + _options.OutcomeVariable, TransferOutcome) };
        foreach (var (key, value) in slots.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            if (string.IsNullOrWhiteSpace(key) || value is null)
            {
                continue;
            }

            variables.Add((inherit + _options.VariablePrefix + ToVariableName(key), ToSingleLine(value)));
        }

        return variables;
    }

    /// <summary><c>name_clip</c> → <c>NAME_CLIP</c>; anything but letters, digits and '_' becomes '_'.</summary>
    internal static string ToVariableName(string slot)
    {
        var name = new StringBuilder(slot.Length);
        foreach (var c in slot.Trim())
        {
            name.Append(char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_');
        }

        return name.ToString();
    }

    /// <summary>A header value cannot hold a line break: what the caller said is folded onto one line.</summary>
    private static string ToSingleLine(string value) =>
        value.AsSpan().IndexOfAny('\r', '\n') < 0 ? value : value.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\r', ' ').Replace('\n', ' ');
}
