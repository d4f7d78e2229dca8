using Orleans.Streams;

namespace Voicebot.Streaming;

/// <summary>
/// Publishes into this process's <see cref="LiveMediaQueue"/>s: no queue grain, no serialization, and the publish
/// completes before it returns. Only this silo's pulling agents read them (see
/// <see cref="LiveMediaQueueAdapterFactory"/>).
/// </summary>
internal sealed class LiveMediaQueueAdapter : IQueueAdapter
{
    private readonly IStreamQueueMapper _mapper;
    private readonly Dictionary<QueueId, LiveMediaQueue> _queues;
    private readonly TimeSpan _idleWait;
    private readonly TimeProvider _time;

    public LiveMediaQueueAdapter(string name, IStreamQueueMapper mapper, int queueCapacity, TimeSpan idleWait, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(mapper);
        Name = name;
        _mapper = mapper;
        _idleWait = idleWait;
        _time = time;
        _queues = mapper.GetAllQueues().ToDictionary(id => id, id => new LiveMediaQueue(id, queueCapacity));
    }

    public string Name { get; }

    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (token is not null)
        {
            return Task.FromException(new ArgumentException("The media stream numbers its events itself: publish without a sequence token.", nameof(token)));
        }

        var queue = _queues[_mapper.GetQueueForStream(streamId)];
        if (!queue.TryEnqueue(streamId, ToArray(events), requestContext))
        {
            return Task.FromException(new LiveMediaQueueFullException(queue.Id, streamId));
        }

        return Task.CompletedTask;
    }

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => new LiveMediaQueueReceiver(_queues[queueId], _idleWait, _time);

    // The caller's collection is copied: the batch outlives the publish.
    private static object[] ToArray<T>(IEnumerable<T> events)
    {
        if (events is IReadOnlyList<T> list)
        {
            var items = new object[list.Count];
            for (var i = 0; i < items.Length; i++)
            {
                items[i] = list[i]!;
            }

            return items;
        }

        return [.. events.Select(item => (object)item!)];
    }
}
