using System.ComponentModel.DataAnnotations;

namespace Voicebot.Host.Hosting;

/// <summary>The silo: cluster identity, ports, stream tuning.</summary>
public sealed class OrleansHostOptions
{
    public const string SectionName = "Orleans";

    /// <summary>Cluster id; silos with the same id form one cluster. Default <c>voicebot</c>.</summary>
    [Required]
    public string ClusterId { get; set; } = "voicebot";

    /// <summary>Service id (stable across deployments). Default <c>voicebot</c>.</summary>
    [Required]
    public string ServiceId { get; set; } = "voicebot";

    /// <summary>Silo-to-silo port. Default 11111.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port for external Orleans clients. Default 30000.</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// How often the memory-stream pulling agents poll their queues. Orleans' default (100 ms) adds up to 100 ms to
    /// every inbound frame and DTMF; 10 ms keeps the hop near one frame (see README, "Orleans stream latency").
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:01")]
    public TimeSpan StreamPullingPeriod { get; set; } = TimeSpan.FromMilliseconds(10);
}
