using System.Collections.Concurrent;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace Voicebot.Streaming;

/// <summary>
/// One in-process queue: publishers (the co-hosted gateway, any thread) add batches, this silo's pulling agent for
/// the queue takes them. Bounded by <see cref="LiveMediaLimits.QueueCapacity"/>.
/// </summary>
/// <remarks>
/// An agent that finds the queue empty waits on it (<see cref="TakeOrWaitAsync"/>) instead of polling: the publish
/// that ends the wait hands the batches over, so a frame reaches its grain without waiting for the next poll, and a
/// silo with quiet calls does not wake its agents every few milliseconds. Polled every 5 ms, two idle queues cost
/// 400 timer callbacks and thread wake-ups a second, a fifth of the product's CPU at 100 listening calls.
/// </remarks>
internal sealed class LiveMediaQueue(QueueId id, int capacity)
{
    private static readonly IList<IBatchContainer> Nothing = Array.Empty<IBatchContainer>();   // shared: read-only

    private readonly ConcurrentQueue<LiveMediaBatch> _batches = new();
    private int _count;
    private long _nextSequence;
    private Waiter? _waiter;

    public QueueId Id => id;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Adds a batch, handing the queue over to a waiting agent; false when the queue is full.</summary>
    /// <remarks>
    /// Sequence numbers grow per queue. Two publishers may enqueue in the other order than their numbers, but each
    /// stream has one publisher at a time, so a stream's events stay in order.
    /// </remarks>
    public bool TryEnqueue(StreamId streamId, object[] events, Dictionary<string, object>? requestContext)
    {
        if (Interlocked.Increment(ref _count) > capacity)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }

        var token = new EventSequenceTokenV2(Interlocked.Increment(ref _nextSequence));
        _batches.Enqueue(new LiveMediaBatch(streamId, events, token, requestContext));
        if (Volatile.Read(ref _waiter) is not null)
        {
            Release();
        }

        return true;
    }

    /// <summary>Takes up to <paramref name="maxCount"/> batches (all with <see cref="QueueAdapterConstants.UNLIMITED_GET_QUEUE_MSG"/>).</summary>
    public IList<IBatchContainer> Take(int maxCount)
    {
        if (_batches.IsEmpty)
        {
            return Nothing;
        }

        var limit = maxCount < 0 ? int.MaxValue : maxCount;
        var taken = new List<IBatchContainer>(Math.Min(Count, limit));
        while (taken.Count < limit && _batches.TryDequeue(out var batch))
        {
            Interlocked.Decrement(ref _count);
            taken.Add(batch);
        }

        return taken;
    }

    /// <summary>
    /// Takes up to <paramref name="maxCount"/> batches, waiting for the next publish when there are none; an empty list
    /// when <see cref="Release"/> ends the wait first (the agent's idle check, its shutdown). One agent at a time.
    /// </summary>
    public Task<IList<IBatchContainer>> TakeOrWaitAsync(int maxCount)
    {
        var taken = Take(maxCount);
        if (taken.Count > 0)
        {
            return Task.FromResult(taken);
        }

        var waiter = new Waiter(maxCount);
        Interlocked.Exchange(ref _waiter, waiter)?.Complete(Nothing);   // a wait left behind: end it empty
        if (!_batches.IsEmpty)
        {
            Release();   // published between the take and the wait: no wake-up is lost
        }

        return waiter.Task;
    }

    /// <summary>Ends a wait, if any, with whatever is queued now (possibly nothing).</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _waiter, null) is { } waiter)
        {
            waiter.Complete(Take(waiter.MaxCount));
        }
    }

    // The agent's continuation runs on its own scheduler, never on the publisher's thread.
    private sealed class Waiter(int maxCount) : TaskCompletionSource<IList<IBatchContainer>>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public int MaxCount => maxCount;

        public void Complete(IList<IBatchContainer> batches) => TrySetResult(batches);
    }
}
