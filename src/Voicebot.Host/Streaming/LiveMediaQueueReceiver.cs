using Orleans.Streams;

namespace Voicebot.Host.Streaming;

/// <summary>Hands a <see cref="LiveMediaQueue"/>'s batches to its pulling agent; everything completes synchronously.</summary>
internal sealed class LiveMediaQueueReceiver(LiveMediaQueue queue) : IQueueAdapterReceiver
{
    public Task Initialize(TimeSpan timeout) => Task.CompletedTask;

    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => Task.FromResult(queue.Take(maxCount));

    // Nothing to acknowledge: a batch leaves the queue when it is taken.
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => Task.CompletedTask;

    // Batches still queued at shutdown are lost with the process; calls are drained before the silo stops.
    public Task Shutdown(TimeSpan timeout) => Task.CompletedTask;
}
