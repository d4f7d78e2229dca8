namespace Voicebot.Host.Hosting.Postgres;

/// <summary>
/// Our PostgreSQL schema for Orleans' ADO.NET membership provider, and the query texts it reads by key from
/// <c>OrleansQuery</c> at start-up. The contract we implement: the provider binds <c>@DeploymentId</c> (the cluster
/// id), <c>@Address</c>/<c>@Port</c>/<c>@Generation</c> (a silo), <c>@Version</c> (the table version it read, used as
/// the etag), the entry's fields, and reads the columns <c>Version</c>, <c>Address</c>, <c>Port</c>,
/// <c>Generation</c>, <c>SiloName</c>, <c>HostName</c>, <c>Status</c>, <c>ProxyPort</c>, <c>SuspectTimes</c>,
/// <c>StartTime</c>, <c>IAmAliveTime</c> by name. Conditional writes return one boolean column.
/// </summary>
internal static class PostgresMembershipSchema
{
    /// <summary>Key for <c>pg_advisory_xact_lock</c>, so silos starting together apply the schema one at a time.</summary>
    public const long AdvisoryLockKey = 0x6F72_6C65_616E_7321; // "orleans!", distinct from the records migration lock

    /// <summary>Tables, created if missing. The version row is the membership table's etag; each write bumps it.</summary>
    public const string Tables = """
        CREATE TABLE IF NOT EXISTS orleansquery (
            querykey  varchar(64) PRIMARY KEY,
            querytext text        NOT NULL
        );
        CREATE TABLE IF NOT EXISTS voicebot_membership_version (
            deploymentid varchar(150) PRIMARY KEY,
            version      integer      NOT NULL DEFAULT 0,
            changed_at   timestamptz  NOT NULL DEFAULT now()
        );
        CREATE TABLE IF NOT EXISTS voicebot_membership (
            deploymentid varchar(150) NOT NULL REFERENCES voicebot_membership_version (deploymentid) ON DELETE CASCADE,
            address      varchar(45)  NOT NULL,
            port         integer      NOT NULL,
            generation   integer      NOT NULL,
            siloname     varchar(150) NOT NULL,
            hostname     varchar(150) NOT NULL,
            status       integer      NOT NULL,
            proxyport    integer      NOT NULL,
            suspecttimes text         NULL,
            starttime    timestamptz  NOT NULL,
            iamalivetime timestamptz  NOT NULL,
            PRIMARY KEY (deploymentid, address, port, generation)
        );
        """;

    /// <summary>Orleans' <c>SiloStatus.Dead</c>.</summary>
    private const string Dead = "6";

    private const string MemberColumns = """
        v.version AS "Version", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
        m.siloname AS "SiloName", m.hostname AS "HostName", m.status AS "Status", m.proxyport AS "ProxyPort",
        m.suspecttimes AS "SuspectTimes", m.starttime AS "StartTime", m.iamalivetime AS "IAmAliveTime"
        """;

    private const string ThisSilo = "m.address = @Address AND m.port = @Port AND m.generation = @Generation";

    /// <summary>QueryKey → QueryText, as the provider looks them up.</summary>
    public static IReadOnlyDictionary<string, string> Queries { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // Always one row: the version, with the member's columns null when the silo is not in the table.
        ["MembershipReadRowKey"] = $"""
            SELECT {MemberColumns}
            FROM voicebot_membership_version v
            LEFT JOIN voicebot_membership m ON m.deploymentid = v.deploymentid AND {ThisSilo}
            WHERE v.deploymentid = @DeploymentId
            """,
        ["MembershipReadAllKey"] = $"""
            SELECT {MemberColumns}
            FROM voicebot_membership_version v
            LEFT JOIN voicebot_membership m ON m.deploymentid = v.deploymentid
            WHERE v.deploymentid = @DeploymentId
            """,
        ["InsertMembershipVersionKey"] = """
            WITH created AS (
                INSERT INTO voicebot_membership_version (deploymentid) VALUES (@DeploymentId)
                ON CONFLICT (deploymentid) DO NOTHING
                RETURNING 1)
            SELECT count(*) > 0 FROM created
            """,
        // The version moves only if it is still the one the silo read and the silo is not there yet.
        ["InsertMembershipKey"] = """
            WITH bumped AS (
                UPDATE voicebot_membership_version v SET version = v.version + 1, changed_at = now()
                WHERE v.deploymentid = @DeploymentId AND v.version = @Version
                  AND NOT EXISTS (SELECT 1 FROM voicebot_membership m
                                  WHERE m.deploymentid = @DeploymentId AND m.address = @Address AND m.port = @Port AND m.generation = @Generation)
                RETURNING v.deploymentid),
            inserted AS (
                INSERT INTO voicebot_membership
                    (deploymentid, address, port, generation, siloname, hostname, status, proxyport, suspecttimes, starttime, iamalivetime)
                SELECT b.deploymentid, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, NULL, @StartTime, @IAmAliveTime
                FROM bumped b
                RETURNING 1)
            SELECT count(*) > 0 FROM inserted
            """,
        ["UpdateMembershipKey"] = $"""
            WITH bumped AS (
                UPDATE voicebot_membership_version v SET version = v.version + 1, changed_at = now()
                WHERE v.deploymentid = @DeploymentId AND v.version = @Version
                  AND EXISTS (SELECT 1 FROM voicebot_membership m WHERE m.deploymentid = @DeploymentId AND {ThisSilo})
                RETURNING v.deploymentid),
            updated AS (
                UPDATE voicebot_membership m
                SET status = @Status, suspecttimes = @SuspectTimes, iamalivetime = @IAmAliveTime
                FROM bumped b
                WHERE m.deploymentid = b.deploymentid AND {ThisSilo}
                RETURNING 1)
            SELECT count(*) > 0 FROM updated
            """,
        // Heartbeats do not move the version: other silos do not need to re-read the table for them.
        ["UpdateIAmAlivetimeKey"] = $"""
            UPDATE voicebot_membership m SET iamalivetime = @IAmAliveTime
            WHERE m.deploymentid = @DeploymentId AND {ThisSilo}
            """,
        ["GatewaysQueryKey"] = """
            SELECT address AS "Address", proxyport AS "ProxyPort", generation AS "Generation"
            FROM voicebot_membership
            WHERE deploymentid = @DeploymentId AND status = @Status AND proxyport > 0
            """,
        ["DeleteMembershipTableEntriesKey"] = """
            DELETE FROM voicebot_membership_version WHERE deploymentid = @DeploymentId
            """,
        ["CleanupDefunctSiloEntriesKey"] = $"""
            DELETE FROM voicebot_membership
            WHERE deploymentid = @DeploymentId AND status = {Dead} AND iamalivetime < @IAmAliveTime
            """,
        // Deletes one dead row only if nothing about it changed since the provider read it.
        ["CleanupDefunctSiloEntryKey"] = $"""
            DELETE FROM voicebot_membership m
            WHERE m.deploymentid = @DeploymentId AND {ThisSilo} AND m.status = {Dead}
              AND m.starttime = @StartTime AND m.iamalivetime = @IAmAliveTime
              AND coalesce(m.suspecttimes, '') = coalesce(CAST(@SuspectTimes AS text), '')
            """,
    };
}
