using System.ComponentModel.DataAnnotations;

namespace Voicebot.Host.Hosting;

/// <summary>The silo: cluster identity, membership provider, ports, stream tuning.</summary>
public sealed class OrleansHostOptions : IValidatableObject
{
    public const string SectionName = "Orleans";

    /// <summary>Cluster id; silos with the same id form one cluster. Default <c>voicebot</c>.</summary>
    [Required]
    public string ClusterId { get; set; } = "voicebot";

    /// <summary>Service id (stable across deployments). Default <c>voicebot</c>.</summary>
    [Required]
    public string ServiceId { get; set; } = "voicebot";

    /// <summary>
    /// Where the silos find each other: <see cref="ClusteringProvider.Localhost"/> (default, one silo),
    /// <see cref="ClusteringProvider.Redis"/> or <see cref="ClusteringProvider.Postgres"/>. Not named
    /// <c>Clustering</c>: Orleans itself reads <c>Orleans:Clustering</c> as a provider section.
    /// </summary>
    public ClusteringProvider Membership { get; set; } = ClusteringProvider.Localhost;

    /// <summary>StackExchange.Redis configuration string (<c>host:6379,password=…</c>); required for Redis clustering. A secret: set it in the environment or .env.</summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>Npgsql connection string; required for PostgreSQL clustering. A secret: set it in the environment or .env.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>
    /// The address other silos reach this one on: an IP address or a host name (resolved at start). Ignored by
    /// localhost clustering (loopback); when unset with Redis/PostgreSQL, Orleans picks this host's first non-loopback
    /// IPv4 address. In Kubernetes, the pod IP (<c>status.podIP</c>).
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Listen on every interface rather than only the advertised address (containers). Default false.</summary>
    public bool ListenOnAnyAddress { get; set; }

    /// <summary>Silo-to-silo port. Default 11111.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port for external Orleans clients. Default 30000.</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The pause of the media stream's pulling agents between two reads of their queues (Orleans'
    /// <c>GetQueueMsgsTimerPeriod</c>). An agent that finds its queue empty waits on it, so a frame published then is
    /// delivered at once; this pause only applies after a read returns (the queue drained, or a second without a
    /// publish). Orleans' default (100 ms) would delay the first frame after each read by up to 100 ms; 5 ms keeps it
    /// well under one frame (see README, "Orleans stream latency" and "Performance").
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:01")]
    public TimeSpan StreamPullingPeriod { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Queues of the media stream, each read by its own agent. Fewer queues deliver bigger batches under load; 2
    /// measured cheaper than Orleans' default of 8 on the in-process queues (see README, "Performance").
    /// </summary>
    [Range(1, 64)]
    public int StreamQueueCount { get; set; } = 2;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Membership == ClusteringProvider.Redis && string.IsNullOrWhiteSpace(RedisConnectionString))
        {
            yield return new ValidationResult(
                "Orleans:Membership is redis but Orleans:RedisConnectionString is empty (set Orleans__RedisConnectionString).",
                [nameof(RedisConnectionString)]);
        }

        if (Membership == ClusteringProvider.Postgres && string.IsNullOrWhiteSpace(PostgresConnectionString))
        {
            yield return new ValidationResult(
                "Orleans:Membership is postgres but Orleans:PostgresConnectionString is empty (set Orleans__PostgresConnectionString).",
                [nameof(PostgresConnectionString)]);
        }
    }
}
