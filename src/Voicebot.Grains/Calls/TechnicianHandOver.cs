using Microsoft.Extensions.Logging;
using Voicebot.Abstractions.Technicians;

namespace Voicebot.Grains.Calls;

/// <summary>
/// Whether a technician can take the call, and handing the caller over to one. Either answers within a few seconds and
/// never throws: a check that fails or is late says "busy", a transfer that fails says "not transferred".
/// </summary>
internal sealed class TechnicianHandOver(ITechnicianAvailability technicians, ICallTransfer transfer, ILogger logger)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);

    public async Task<bool> CheckAsync(Guid callId, string check)
    {
        if (!string.Equals(check, "technician", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            using var timeout = new CancellationTokenSource(Patience);
            return await technicians.IsAvailableAsync(callId, timeout.Token);
        }
        catch (Exception ex)
        {
            CallLog.TechnicianCheckFailed(logger, callId, ex.Message, ex);
            return false;
        }
    }

    /// <summary>
    /// An active transfer path (AMI Redirect) takes the caller over and Asterisk closes the socket: returns true. Without
    /// one, or when it fails, returns false and the bot hangs up for the dialplan to route on the outcome.
    /// </summary>
    public async Task<bool> TransferAsync(Guid callId, IReadOnlyDictionary<string, string> slots)
    {
        try
        {
            using var timeout = new CancellationTokenSource(Patience);
            return await transfer.TransferAsync(callId, slots, timeout.Token);
        }
        catch (Exception ex)
        {
            CallLog.TransferFailed(logger, callId, ex.Message, ex);
            return false;
        }
    }
}
