using Orleans.Streams;

namespace Voicebot.Streaming;

/// <summary>
/// Hands a <see cref="LiveMediaQueue"/>'s batches to its pulling agent. On an empty queue the agent's read waits for
/// the next publish (<see cref="LiveMediaQueue.TakeOrWaitAsync"/>), at most the idle wait: the agent then
/// does its housekeeping (purging delivered events, forgetting finished streams) and reads again one pulling period
/// later. The agent is an Orleans system target, whose requests interleave, so a waiting read holds up nothing else.
/// </summary>
internal sealed class LiveMediaQueueReceiver : IQueueAdapterReceiver
{
    private readonly LiveMediaQueue _queue;
    private readonly ITimer _idleRelease;

    public LiveMediaQueueReceiver(LiveMediaQueue queue, TimeSpan idleWait, TimeProvider time)
    {
        _queue = queue;
        _idleRelease = time.CreateTimer(static state => ((LiveMediaQueue)state!).Release(), queue, idleWait, idleWait);
    }

    public Task Initialize(TimeSpan timeout) => Task.CompletedTask;

    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => _queue.TakeOrWaitAsync(maxCount);

    // The token is not watched: the idle release bounds every wait, and Shutdown ends it.
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken) => _queue.TakeOrWaitAsync(maxCount);

    // Nothing to acknowledge: a batch leaves the queue when it is taken.
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => Task.CompletedTask;

    // Batches still queued at shutdown are lost with the process; calls are drained before the silo stops.
    public Task Shutdown(TimeSpan timeout)
    {
        _idleRelease.Dispose();
        _queue.Release();
        return Task.CompletedTask;
    }
}
