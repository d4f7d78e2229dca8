namespace Voicebot.Abstractions.Technicians;

/// <summary>
/// An active transfer path to the technicians, used when the call's outcome is a transfer. The default does nothing
/// and the dialplan reads the outcome after the AudioSocket ends; the AMI implementation redirects the caller's channel
/// to the technicians' queue with the collected data as channel variables.
/// </summary>
public interface ICallTransfer
{
    /// <summary>
    /// Moves the caller to a technician. Returns <see langword="true"/> when the PBX took the call over (the AudioSocket
    /// will close from the Asterisk side), <see langword="false"/> when the dialplan should route on the outcome instead.
    /// </summary>
    ValueTask<bool> TransferAsync(Guid callId, IReadOnlyDictionary<string, string> slots, CancellationToken cancellationToken = default);
}
