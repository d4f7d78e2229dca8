using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Records;
using Voicebot.Records.Storage;
using Voicebot.Records.Tests.Support;

namespace Voicebot.Records.Tests.Storage;

/// <summary>Against a real PostgreSQL 15 server started by the fixture.</summary>
public sealed class PostgresCallRecordStoreTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static PostgresCallRecordStore NewStore(string connectionString) => new(connectionString, NullLogger<PostgresCallRecordStore>.Instance);

    [Fact]
    public async Task SaveAsync_ThenGetAsync_RoundTripsEveryField()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await postgres.NewDatabaseAsync(ct);
        var record = SampleRecords.Create();
        await using var writer = NewStore(database);
        await using var reader = NewStore(database);

        await writer.SaveAsync(record, ct);
        var read = await reader.GetAsync(record.CallId, ct);
        var missing = await reader.GetAsync(Guid.NewGuid(), ct);

        Assert.Equal(SampleRecords.Json(record), SampleRecords.Json(read));
        Assert.Null(missing);
    }

    [Fact]
    public async Task ListAsync_Filters_SinceUntilOutcomeAndLimit_NewestFirst()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = NewStore(await postgres.NewDatabaseAsync(ct));
        // A non-UTC offset on the way in: timestamptz keeps the instant.
        var paris = TimeSpan.FromHours(1);
        var records = Enumerable.Range(0, 6)
            .Select(i => SampleRecords.Create(
                startedAt: SampleRecords.Noon.AddHours(i).ToOffset(paris),
                outcome: i % 2 == 0 ? CallOutcomeKind.Transfer : CallOutcomeKind.Abandoned))
            .ToList();
        foreach (var record in records)
        {
            await store.SaveAsync(record, ct);
        }

        var all = await store.ListAsync(new CallRecordQuery(), ct);
        var window = await store.ListAsync(new CallRecordQuery(Since: SampleRecords.Noon.AddHours(1), Until: SampleRecords.Noon.AddHours(4)), ct);
        var abandoned = await store.ListAsync(new CallRecordQuery(Outcome: CallOutcomeKind.Abandoned), ct);
        var latestTwo = await store.ListAsync(new CallRecordQuery(Limit: 2), ct);

        Assert.Equal(records.Select(r => r.CallId).Reverse(), all.Select(s => s.CallId));
        Assert.Equal([records[3].CallId, records[2].CallId, records[1].CallId], window.Select(s => s.CallId));
        Assert.Equal([records[5].CallId, records[3].CallId, records[1].CallId], abandoned.Select(s => s.CallId));
        Assert.Equal([records[5].CallId, records[4].CallId], latestTwo.Select(s => s.CallId));
        Assert.Equal(SampleRecords.Noon, all[^1].StartedAt);
        Assert.Equal(TimeSpan.FromSeconds(83.5), all[^1].Duration);
        Assert.Equal(2, all[^1].TurnCount);
    }

    [Fact]
    public async Task SaveAsync_DraftThenFinalThenALateDraft_KeepsOneRowWithTheFinalContent()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = NewStore(await postgres.NewDatabaseAsync(ct));
        var final = SampleRecords.Create() with { EndReason = "caller-hung-up", Outcome = CallOutcomeKind.Abandoned };
        var draft = final with { EndReason = CallRecordReasons.InProgress, Outcome = CallOutcomeKind.Error };

        await store.SaveAsync(draft, ct);
        await store.SaveAsync(draft, ct);
        Assert.Equal(draft.CallId, Assert.Single(await store.ListInProgressAsync(10, ct)).CallId);
        await store.SaveAsync(final, ct);
        await store.SaveAsync(draft, ct);   // replayed from the spool after the final one: ignored
        await store.SaveAsync(final with { EndReason = "other" }, ct);   // a final record is never replaced

        var only = Assert.Single(await store.ListAsync(new CallRecordQuery(), ct));
        Assert.Equal(CallOutcomeKind.Abandoned, only.Outcome);
        Assert.Equal(SampleRecords.Json(final), SampleRecords.Json(await store.GetAsync(final.CallId, ct)));
        Assert.Empty(await store.ListInProgressAsync(10, ct));
    }

    [Fact]
    public async Task EnsureSchemaAsync_SeveralSilosAtOnceThenAgain_AppliesEachMigrationOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await postgres.NewDatabaseAsync(ct);
        var silos = Enumerable.Range(0, 4).Select(_ => NewStore(database)).ToList();

        await Task.WhenAll(silos.Select(s => Task.Run(() => s.EnsureSchemaAsync(ct), ct)));
        await using (var again = NewStore(database))
        {
            await again.EnsureSchemaAsync(ct);
        }

        foreach (var silo in silos)
        {
            await silo.DisposeAsync();
        }

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(ct);
        await using var versions = new NpgsqlCommand("SELECT string_agg(version::text, ',' ORDER BY version) FROM voicebot_records_schema;", connection);
        Assert.Equal("1,2", await versions.ExecuteScalarAsync(ct));
    }
}
