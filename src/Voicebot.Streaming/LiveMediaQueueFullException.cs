using Orleans.Streams;

namespace Voicebot.Streaming;

/// <summary>A media queue is full: its pulling agent is not taking events (the silo is stopping or stuck).</summary>
public sealed class LiveMediaQueueFullException : Exception
{
    public LiveMediaQueueFullException()
    {
    }

    public LiveMediaQueueFullException(string message)
        : base(message)
    {
    }

    public LiveMediaQueueFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal LiveMediaQueueFullException(QueueId queueId, StreamId streamId)
        : base($"Media queue {queueId} is full; the event of stream {streamId} was not published (its pulling agent is not taking events).")
    {
    }
}
