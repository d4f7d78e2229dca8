using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Streams;
using Voicebot.Abstractions;

namespace Voicebot.Host.Hosting;

/// <summary>
/// The memory stream provider that carries each call's inbound media from the gateway to its grain.
/// </summary>
/// <remarks>
/// Orleans memory streams are not per silo: their queues are grains placed anywhere in the cluster and pulled by
/// agents spread over the silos, so in a cluster a call's frames could hop through another silo, and that silo's
/// crash would cut calls it does not even hold. With clustering we therefore keep the media path inside the silo:
/// the provider gets a per-process name (its queue grains are then this silo's own), a balancer that gives every
/// queue to the local pulling agents, implicit-only pub-sub (no rendezvous grain, no PubSubStore writes), and
/// grains without an explicit strategy are placed on the calling silo. <see cref="StreamNames.Provider"/> stays
/// the name the gateway and grains ask for: it resolves to the local provider.
/// </remarks>
public static class CallMediaStreamsSiloBuilderExtensions
{
    /// <summary>
    /// How long delivered media stays in the pulling agents' cache. Orleans keeps stream events at least 5 minutes
    /// for consumers that rewind; live frames are never re-read, and 5 minutes of 50 frames a second per call was most
    /// of the silo's memory and old-generation GC work under load (README, "Performance").
    /// </summary>
    internal static readonly TimeSpan MediaCacheMinTime = TimeSpan.FromSeconds(1);

    /// <summary>Past this age a cached frame is purged even if a stalled consumer has not read it: such audio is too old to use.</summary>
    internal static readonly TimeSpan MediaCacheMaxAge = TimeSpan.FromSeconds(10);

    public static ISiloBuilder AddCallMediaStreams(this ISiloBuilder silo, OrleansHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Membership == ClusteringProvider.Localhost)
        {
            silo.AddMemoryStreams(StreamNames.Provider, streams =>
            {
                streams.ConfigurePullingAgent(agent => agent.Configure(o => o.GetQueueMsgsTimerPeriod = options.StreamPullingPeriod));
                streams.ConfigurePartitioning(options.StreamQueueCount);
                streams.ConfigureCacheEviction(ShortLivedCache);
            });
            silo.AddMemoryGrainStorage("PubSubStore");
            return silo;
        }

        var localName = $"{StreamNames.Provider}-{Guid.NewGuid():N}";
        silo.AddMemoryStreams(localName, streams =>
        {
            streams.ConfigurePullingAgent(agent => agent.Configure(o => o.GetQueueMsgsTimerPeriod = options.StreamPullingPeriod));
            streams.ConfigurePartitioning(options.StreamQueueCount);
            streams.ConfigureCacheEviction(ShortLivedCache);
            streams.ConfigurePartitionBalancing((_, _) => new LocalSiloQueueBalancer());
            streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
        });
        silo.Services.AddKeyedSingleton<IStreamProvider>(StreamNames.Provider, (services, _) => services.GetRequiredKeyedService<IStreamProvider>(localName));
        silo.AddMemoryGrainStorage("PubSubStore");
        silo.Services.AddSingleton<PlacementStrategy, PreferLocalPlacement>();
        return silo;
    }

    private static void ShortLivedCache(OptionsBuilder<StreamCacheEvictionOptions> cache) =>
        cache.Configure(o =>
        {
            o.DataMinTimeInCache = MediaCacheMinTime;
            o.DataMaxAgeInCache = MediaCacheMaxAge;
        });
}
