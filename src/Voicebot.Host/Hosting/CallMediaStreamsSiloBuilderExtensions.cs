using Orleans.Streams;
using Voicebot.Abstractions;
using Voicebot.Host.Streaming;

namespace Voicebot.Host.Hosting;

/// <summary>
/// The stream provider that carries each call's inbound media from the gateway to its grain.
/// </summary>
/// <remarks>
/// The media path stays inside the silo that holds the call: the co-hosted gateway publishes into in-process queues
/// (<see cref="LiveMediaQueueAdapterFactory"/>), a balancer gives every queue to this silo's pulling agents, pub-sub is
/// implicit only (no rendezvous grain, no PubSubStore writes), and in a cluster grains without an explicit strategy are
/// placed on the calling silo. So one silo's crash never cuts calls it does not hold, and a frame costs no queue-grain
/// call and no serialization. Orleans' memory streams did both for every frame: about 9.5 KB allocated per frame, most
/// of the silo's allocation and GC pauses under load (README, "Performance").
/// </remarks>
public static class CallMediaStreamsSiloBuilderExtensions
{
    /// <summary>
    /// A call's stream idle this long is forgotten by its pulling agent (it registers again on its next event). Orleans'
    /// default of 30 minutes kept every finished call's consumer state that long; a live call publishes every 20 ms.
    /// </summary>
    internal static readonly TimeSpan MediaStreamInactivity = TimeSpan.FromMinutes(1);

    public static ISiloBuilder AddCallMediaStreams(this ISiloBuilder silo, OrleansHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        silo.AddPersistentStreams(
            StreamNames.Provider,
            (services, name) => new LiveMediaQueueAdapterFactory(
                name,
                options.StreamQueueCount,
                LiveMediaLimits.Default,
                services.GetService<TimeProvider>() ?? TimeProvider.System,
                services.GetRequiredService<ILoggerFactory>()),
            streams =>
            {
                streams.ConfigurePullingAgent(agent => agent.Configure(o =>
                {
                    o.GetQueueMsgsTimerPeriod = options.StreamPullingPeriod;
                    o.StreamInactivityPeriod = MediaStreamInactivity;
                }));
                streams.ConfigurePartitionBalancing((_, _) => new LocalSiloQueueBalancer());
                streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            });
        if (options.Membership != ClusteringProvider.Localhost)
        {
            silo.Services.AddSingleton<PlacementStrategy, PreferLocalPlacement>();
        }

        return silo;
    }
}
