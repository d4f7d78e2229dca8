using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Voicebot.Abstractions;

namespace Voicebot.Streaming;

/// <summary>
/// The stream provider that carries each call's inbound media from the gateway to its grain.
/// </summary>
/// <remarks>
/// The media path stays inside the silo that holds the call: the co-hosted gateway publishes into in-process queues
/// (<see cref="LiveMediaQueueAdapterFactory"/>), a balancer gives every queue to this silo's pulling agents, pub-sub is
/// implicit only (no rendezvous grain, no PubSubStore writes), and in a cluster grains without an explicit strategy are
/// placed on the calling silo (the host's clustering sets that default). So one silo's crash never cuts calls it does
/// not hold, and a frame costs no queue-grain call and no serialization. Orleans' memory streams did both for every frame: about 9.5 KB allocated per frame, most
/// of the silo's allocation and GC pauses under load (README, "Performance").
/// </remarks>
public static class CallMediaStreamsSiloBuilderExtensions
{
    /// <summary>
    /// A call's stream idle this long is forgotten by its pulling agent (it registers again on its next event). Orleans'
    /// default of 30 minutes kept every finished call's consumer state that long; a live call publishes every 20 ms.
    /// </summary>
    internal static readonly TimeSpan MediaStreamInactivity = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Adds the media stream provider (<see cref="StreamNames.Provider"/>) to a silo: <paramref name="queueCount"/>
    /// in-process queues, each read by one of this silo's agents, which pauses <paramref name="pullingPeriod"/> between
    /// two reads (an empty queue's read waits for the next publish).
    /// </summary>
    public static ISiloBuilder AddCallMediaStreams(this ISiloBuilder silo, int queueCount, TimeSpan pullingPeriod)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pullingPeriod, TimeSpan.Zero);
        silo.AddPersistentStreams(
            StreamNames.Provider,
            (services, name) => new LiveMediaQueueAdapterFactory(
                name,
                queueCount,
                LiveMediaLimits.Default,
                services.GetService<TimeProvider>() ?? TimeProvider.System,
                services.GetRequiredService<ILoggerFactory>()),
            streams =>
            {
                streams.ConfigurePullingAgent(agent => agent.Configure(o =>
                {
                    o.GetQueueMsgsTimerPeriod = pullingPeriod;
                    o.StreamInactivityPeriod = MediaStreamInactivity;
                }));
                streams.ConfigurePartitionBalancing((_, _) => new LocalSiloQueueBalancer());
                streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            });
        return silo;
    }
}
