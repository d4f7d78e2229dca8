using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Streams;

namespace Voicebot.Streaming;

/// <summary>
/// A persistent-stream provider whose queues live in this process: the co-hosted gateway publishes into them and this
/// silo's pulling agents read them, then deliver to the call grains as Orleans streams always do. Correct only with
/// every queue given to the local agents and publishers in the same process (see
/// <see cref="CallMediaStreamsSiloBuilderExtensions"/>). Replaces Orleans' memory streams for the media path,
/// which enqueue every frame through a queue grain and serialize it twice.
/// </summary>
internal sealed class LiveMediaQueueAdapterFactory : IQueueAdapterFactory
{
    private readonly HashRingBasedStreamQueueMapper _mapper;
    private readonly LiveMediaQueueAdapter _adapter;
    private readonly LiveMediaQueueAdapterCache _cache;

    public LiveMediaQueueAdapterFactory(string name, int queueCount, LiveMediaLimits limits, TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _mapper = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = queueCount }, name);
        _adapter = new LiveMediaQueueAdapter(name, _mapper, limits.QueueCapacity, limits.IdleWait, time);
        _cache = new LiveMediaQueueAdapterCache(limits, time, loggerFactory);
    }

    public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(_adapter);

    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => Task.FromResult<IStreamFailureHandler>(new NoOpStreamDeliveryFailureHandler());
}

/// <summary>One <see cref="LiveMediaQueueCache"/> per queue.</summary>
internal sealed class LiveMediaQueueAdapterCache(LiveMediaLimits limits, TimeProvider time, ILoggerFactory loggerFactory) : IQueueAdapterCache
{
    public IQueueCache CreateQueueCache(QueueId queueId) => new LiveMediaQueueCache(limits, time, loggerFactory.CreateLogger<LiveMediaQueueCache>());
}
