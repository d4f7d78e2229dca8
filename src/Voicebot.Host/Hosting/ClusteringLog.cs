namespace Voicebot.Host.Hosting;

/// <summary>Log messages of the clustering set-up.</summary>
internal static partial class ClusteringLog
{
    [LoggerMessage(1001, LogLevel.Information, "PostgreSQL membership schema ready in {Database} ({QueryCount} queries).", EventName = "PostgresMembershipSchemaReady")]
    public static partial void PostgresSchemaReady(ILogger logger, string database, int queryCount);
}
