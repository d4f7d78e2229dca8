namespace Voicebot.Cluster.Tests;

/// <summary>What <c>GET /cluster/silos</c> returns.</summary>
internal sealed record ClusterView(string Local, string Name, long Version, IReadOnlyList<ClusterSilo> Silos);

/// <summary>One member as a silo sees it.</summary>
internal sealed record ClusterSilo(string Address, string Name, string Status);
