using System.Collections.Concurrent;
using Voicebot.Abstractions.Technicians;

namespace Voicebot.Testing.Fakes;

/// <summary>A transfer path that accepts or declines per call, and remembers what it was asked to pass on.</summary>
public sealed class SwitchableCallTransfer : ICallTransfer
{
    private readonly ConcurrentDictionary<Guid, bool> _accept = new();

    public ConcurrentDictionary<Guid, IReadOnlyDictionary<string, string>> Transferred { get; } = new();

    public void Accept(Guid callId, bool accept = true) => _accept[callId] = accept;

    public ValueTask<bool> TransferAsync(Guid callId, IReadOnlyDictionary<string, string> slots, CancellationToken cancellationToken = default)
    {
        if (!_accept.GetValueOrDefault(callId))
        {
            return ValueTask.FromResult(false);
        }

        Transferred[callId] = slots;
        return ValueTask.FromResult(true);
    }
}
