namespace Voicebot.Host.Hosting;

/// <summary>Where the silos keep their membership table (<c>Orleans:Membership</c>).</summary>
public enum ClusteringProvider
{
    /// <summary>One silo on loopback, no external store: the default.</summary>
    Localhost,

    /// <summary>Redis (Microsoft.Orleans.Clustering.Redis).</summary>
    Redis,

    /// <summary>PostgreSQL through Orleans' ADO.NET clustering; the schema is created at start-up.</summary>
    Postgres,
}
