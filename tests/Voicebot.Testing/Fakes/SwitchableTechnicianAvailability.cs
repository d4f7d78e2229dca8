using Voicebot.Abstractions.Technicians;

namespace Voicebot.Testing.Fakes;

/// <summary>Technician availability a test sets per call (default: <see cref="Default"/>). Thread-safe.</summary>
public sealed class SwitchableTechnicianAvailability : ITechnicianAvailability
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, bool> _perCall = new();

    public bool Default { get; set; } = true;

    public void Set(Guid callId, bool available) => _perCall[callId] = available;

    public ValueTask<bool> IsAvailableAsync(Guid callId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_perCall.TryGetValue(callId, out var available) ? available : Default);
}
