using Voicebot.Abstractions.Technicians;

namespace Voicebot.Grains.Technicians;

/// <summary>
/// The default transfer path: the bot hangs up and the dialplan reads the outcome (<c>/calls/{id}/outcome</c>) and
/// queues the caller for a technician. Replaced by the AMI Redirect when Asterisk's manager interface is configured.
/// </summary>
public sealed class DialplanCallTransfer : ICallTransfer
{
    public static DialplanCallTransfer Instance { get; } = new();

    public ValueTask<bool> TransferAsync(Guid callId, IReadOnlyDictionary<string, string> slots, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(false);
}
