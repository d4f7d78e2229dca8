using System.Collections.Concurrent;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace Voicebot.Host.Streaming;

/// <summary>
/// One in-process queue: publishers (the co-hosted gateway, any thread) add batches, this silo's pulling agent for
/// the queue takes them. Bounded by <see cref="LiveMediaLimits.QueueCapacity"/>.
/// </summary>
internal sealed class LiveMediaQueue(QueueId id, int capacity)
{
    private readonly ConcurrentQueue<LiveMediaBatch> _batches = new();
    private int _count;
    private long _nextSequence;

    public QueueId Id => id;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Adds a batch; false when the queue is full.</summary>
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
        return true;
    }

    /// <summary>Takes up to <paramref name="maxCount"/> batches (all with <see cref="QueueAdapterConstants.UNLIMITED_GET_QUEUE_MSG"/>).</summary>
    public IList<IBatchContainer> Take(int maxCount)
    {
        if (_batches.IsEmpty)
        {
            return [];
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
}
