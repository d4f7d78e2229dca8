using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Voicebot.Gateway.Calls;

/// <summary>Admission control: the calls this gateway serves, at most <see cref="AudioSocketOptions.MaxConcurrentCalls"/>. Thread-safe.</summary>
internal sealed class CallRegistry(IOptions<AudioSocketOptions> options)
{
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _calls = new();
    private readonly int _maxCalls = options.Value.MaxConcurrentCalls;
    private int _active;

    /// <summary>Calls holding a slot now.</summary>
    public int ActiveCalls => Volatile.Read(ref _active);

    /// <summary>The configured limit.</summary>
    public int MaxCalls => _maxCalls;

    /// <summary>Takes a slot for <paramref name="callId"/> when one is free and the id is not already connected.</summary>
    public CallAdmission TryAdmit(Guid callId, DateTimeOffset connectedAt)
    {
        if (Interlocked.Increment(ref _active) > _maxCalls)
        {
            Interlocked.Decrement(ref _active);
            return CallAdmission.Busy;
        }

        if (!_calls.TryAdd(callId, connectedAt))
        {
            Interlocked.Decrement(ref _active);
            return CallAdmission.Duplicate;
        }

        return CallAdmission.Admitted;
    }

    /// <summary>Frees the slot taken by an admitted call.</summary>
    public void Release(Guid callId)
    {
        if (_calls.TryRemove(callId, out _))
        {
            Interlocked.Decrement(ref _active);
        }
    }

    /// <summary>True while <paramref name="callId"/> holds a slot.</summary>
    public bool Contains(Guid callId) => _calls.ContainsKey(callId);
}
