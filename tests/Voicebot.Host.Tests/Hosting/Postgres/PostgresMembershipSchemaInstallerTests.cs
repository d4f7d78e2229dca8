using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService;
using Voicebot.Host.Hosting;
using Voicebot.Host.Hosting.Postgres;
using Voicebot.Testing.Servers;

namespace Voicebot.Host.Tests.Hosting.Postgres;

/// <summary>
/// Our PostgreSQL membership schema against a real server, driven by Orleans' own ADO.NET membership table: the
/// queries must satisfy the provider's contract (parameter names, result columns, conditional writes).
/// </summary>
public sealed class PostgresMembershipSchemaInstallerTests
{
    [Fact]
    public async Task InstallAsync_ThreeSilosStartingTogether_CreateTheSchemaOnceWithEveryQuery()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var postgres = await PostgresServer.CreateAsync(ct);

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Installer(postgres).InstallAsync(ct)));
        await Installer(postgres).InstallAsync(ct);

        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT querykey FROM orleansquery ORDER BY querykey", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var keys = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            keys.Add(reader.GetString(0));
        }

        Assert.Equal(PostgresMembershipSchema.Queries.Keys.Order(StringComparer.Ordinal), keys);
    }

    [Fact]
    public async Task OrleansMembershipTable_OnOurSchema_InsertsReadsUpdatesAndCleansUp()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var postgres = await PostgresServer.CreateAsync(ct);
        await Installer(postgres).InstallAsync(ct);
        var table = MembershipTable(postgres, "cluster-a");
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true, ct);
        var now = new DateTime(2026, 11, 24, 21, 0, 0, DateTimeKind.Utc);
        var silo = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
        var other = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 2);

        var empty = await table.ReadAllAsync(ct);
        var inserted = await table.InsertRowAsync(Entry(silo, SiloStatus.Joining, now), empty.Version.Next(), ct);
        var duplicate = await table.InsertRowAsync(Entry(silo, SiloStatus.Joining, now), empty.Version.Next(), ct);
        var afterInsert = await table.ReadRowAsync(silo, ct);
        var (row, etag) = afterInsert.Members.Single();
        var staleUpdate = await table.UpdateRowAsync(Entry(silo, SiloStatus.Active, now), etag, empty.Version.Next(), ct);
        var update = await table.UpdateRowAsync(Entry(silo, SiloStatus.Active, now), etag, afterInsert.Version.Next(), ct);
        var beforeOther = await table.ReadAllAsync(ct);
        await table.InsertRowAsync(Entry(other, SiloStatus.Active, now), beforeOther.Version.Next(), ct);
        await table.UpdateIAmAliveAsync(Entry(silo, SiloStatus.Active, now.AddSeconds(30)), ct);
        var all = await table.ReadAllAsync(ct);

        Assert.Empty(empty.Members);
        Assert.True(inserted);
        Assert.False(duplicate);
        Assert.Equal(SiloStatus.Joining, row.Status);
        Assert.Equal("host", row.HostName);
        Assert.False(staleUpdate);
        Assert.True(update);
        Assert.Equal(2, all.Members.Count);
        var active = all.Members.Single(m => m.Item1.SiloAddress.Equals(silo)).Item1;
        Assert.Equal(SiloStatus.Active, active.Status);
        Assert.Equal(now.AddSeconds(30), active.IAmAliveTime, TimeSpan.FromMilliseconds(1));
        Assert.Equal(afterInsert.Version.Version + 2, all.Version.Version);

        // A dead silo's row goes once it is old enough; live rows and other clusters stay.
        var dead = await table.ReadAllAsync(ct);
        var (otherRow, otherEtag) = dead.Members.Single(m => m.Item1.SiloAddress.Equals(other));
        otherRow.Status = SiloStatus.Dead;
        otherRow.SuspectTimes = [Tuple.Create(silo, now)];
        Assert.True(await table.UpdateRowAsync(otherRow, otherEtag, dead.Version.Next(), ct));
        await table.CleanupDefunctSiloEntriesAsync(now.AddMinutes(5), ct);
        var cleaned = await table.ReadAllAsync(ct);
        Assert.Equal([silo], cleaned.Members.Select(m => m.Item1.SiloAddress));

        await table.DeleteMembershipTableEntriesAsync("cluster-a", ct);
        var deleted = MembershipTable(postgres, "cluster-a");
        await deleted.InitializeMembershipTableAsync(tryInitTableVersion: true, ct);
        Assert.Empty((await deleted.ReadAllAsync(ct)).Members);
    }

    private static PostgresMembershipSchemaInstaller Installer(PostgresServer postgres) => new(
        Options.Create(new OrleansHostOptions { Membership = ClusteringProvider.Postgres, PostgresConnectionString = postgres.ConnectionString }),
        NullLogger<PostgresMembershipSchemaInstaller>.Instance);

    private static AdoNetClusteringTable MembershipTable(PostgresServer postgres, string clusterId) => new(
        new ServiceCollection().BuildServiceProvider(),
        Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "voicebot" }),
        Options.Create(new AdoNetClusteringSiloOptions { Invariant = ClusteringSiloBuilderExtensions.NpgsqlInvariant, ConnectionString = postgres.ConnectionString }),
        NullLogger<AdoNetClusteringTable>.Instance);

    private static MembershipEntry Entry(SiloAddress silo, SiloStatus status, DateTime now) => new()
    {
        SiloAddress = silo,
        SiloName = $"silo-{silo.Generation}",
        HostName = "host",
        Status = status,
        ProxyPort = 30000,
        StartTime = now,
        IAmAliveTime = now,
    };
}
