using Orleans.Streams;

namespace Voicebot.Streaming;

/// <summary>
/// Gives every queue of a stream provider to this silo's pulling agents. Only correct for a provider no other silo
/// shares: the in-process media queues (see <see cref="CallMediaStreamsSiloBuilderExtensions"/>).
/// </summary>
internal sealed class LocalSiloQueueBalancer : IStreamQueueBalancer
{
    private QueueId[] _queues = [];

    public Task Initialize(IStreamQueueMapper queueMapper)
    {
        ArgumentNullException.ThrowIfNull(queueMapper);
        _queues = [.. queueMapper.GetAllQueues()];
        return Task.CompletedTask;
    }

    public IEnumerable<QueueId> GetMyQueues() => _queues;

    // The distribution never changes: nobody needs to be told.
    public bool SubscribeToQueueDistributionChangeEvents(IStreamQueueBalanceListener queueBalanceListener) => true;

    public bool UnSubscribeFromQueueDistributionChangeEvents(IStreamQueueBalanceListener queueBalanceListener) => true;

    public Task Shutdown() => Task.CompletedTask;
}
