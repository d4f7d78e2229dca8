using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Voicebot.Gateway.Calls;

/// <summary>Admission control: the calls this gateway serves, at most <see cref="AudioSocketOptions.MaxConcurrentCalls"/>. Thread-safe.</summary>
internal sealed class CallRegistry(IOptions<AudioSocketOptions> options) : ICallsServedHere
{
    /// <summary>Ended calls remembered for <see cref="Knows"/>: enough for the dialplan's outcome request after each.</summary>
    public const int RememberedEndedCalls = 10_000;

    private readonly ConcurrentDictionary<Guid, byte> _ended = new();
    private readonly ConcurrentQueue<Guid> _endedOrder = new();
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _calls = new();
    private readonly int _maxCalls = options.Value.MaxConcurrentCalls;
    private readonly TaskCompletionSource _emptied = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _active;
    private int _closed;

    /// <summary>Calls holding a slot now.</summary>
    public int ActiveCalls => Volatile.Read(ref _active);

    /// <summary>The configured limit.</summary>
    public int MaxCalls => _maxCalls;

    /// <summary>True once <see cref="Close"/> has been called: no call is admitted any more.</summary>
    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Completes once the registry is closed and no call holds a slot (the drain waits on it).</summary>
    public Task Emptied => _emptied.Task;

    /// <summary>Takes a slot for <paramref name="callId"/> when one is free and the id is not already connected.</summary>
    public CallAdmission TryAdmit(Guid callId, DateTimeOffset connectedAt)
    {
        // Increment first, then read the flag (Close does the mirror image): a call is either refused or seen by the drain.
        var active = Interlocked.Increment(ref _active);
        if (IsClosed)
        {
            Leave();
            return CallAdmission.Draining;
        }

        if (active > _maxCalls)
        {
            Leave();
            return CallAdmission.Busy;
        }

        if (!_calls.TryAdd(callId, connectedAt))
        {
            Leave();
            return CallAdmission.Duplicate;
        }

        return CallAdmission.Admitted;
    }

    /// <summary>Frees the slot taken by an admitted call.</summary>
    public void Release(Guid callId)
    {
        if (_calls.TryRemove(callId, out _))
        {
            if (_ended.TryAdd(callId, 0))
            {
                _endedOrder.Enqueue(callId);
                while (_endedOrder.Count > RememberedEndedCalls && _endedOrder.TryDequeue(out var oldest))
                {
                    _ended.TryRemove(oldest, out _);
                }
            }

            Leave();
        }
    }

    /// <summary>Stops admitting calls: every later <see cref="TryAdmit"/> returns <see cref="CallAdmission.Draining"/>.</summary>
    public void Close()
    {
        Interlocked.Exchange(ref _closed, 1);
        SignalIfEmpty();
    }

    private void Leave()
    {
        Interlocked.Decrement(ref _active);
        SignalIfEmpty();
    }

    private void SignalIfEmpty()
    {
        if (IsClosed && Volatile.Read(ref _active) == 0)
        {
            _emptied.TrySetResult();
        }
    }

    /// <summary>True while <paramref name="callId"/> holds a slot.</summary>
    public bool Contains(Guid callId) => _calls.ContainsKey(callId);

    /// <inheritdoc />
    public bool Knows(Guid callId) => _calls.ContainsKey(callId) || _ended.ContainsKey(callId);
}
