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
    public static ISiloBuilder AddCallMediaStreams(this ISiloBuilder silo, OrleansHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Membership == ClusteringProvider.Localhost)
        {
            silo.AddMemoryStreams(StreamNames.Provider, streams => streams.ConfigurePullingAgent(agent =>
                agent.Configure(o => o.GetQueueMsgsTimerPeriod = options.StreamPullingPeriod)));
            silo.AddMemoryGrainStorage("PubSubStore");
            return silo;
        }

        var localName = $"{StreamNames.Provider}-{Guid.NewGuid():N}";
        silo.AddMemoryStreams(localName, streams =>
        {
            streams.ConfigurePullingAgent(agent => agent.Configure(o => o.GetQueueMsgsTimerPeriod = options.StreamPullingPeriod));
            streams.ConfigurePartitionBalancing((_, _) => new LocalSiloQueueBalancer());
            streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
        });
        silo.Services.AddKeyedSingleton<IStreamProvider>(StreamNames.Provider, (services, _) => services.GetRequiredKeyedService<IStreamProvider>(localName));
        silo.AddMemoryGrainStorage("PubSubStore");
        silo.Services.AddSingleton<PlacementStrategy, PreferLocalPlacement>();
        return silo;
    }
}
