using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Records;
using Voicebot.Records.Storage;
using Voicebot.Records.Tests.Support;
using Voicebot.Testing.Paths;

namespace Voicebot.Records.Tests.Storage;

public sealed class SqliteCallRecordStoreTests : IDisposable
{
    private readonly string _directory = RepositoryPaths.NewTemporaryDirectory("voicebot-records");

    private string DatabasePath => Path.Combine(_directory, "data", "calls.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private SqliteCallRecordStore NewStore() => new(DatabasePath, NullLogger<SqliteCallRecordStore>.Instance);

    [Fact]
    public async Task SaveAsync_ThenGetAsync_RoundTripsEveryField()
    {
        var ct = TestContext.Current.CancellationToken;
        var record = SampleRecords.Create();

        await NewStore().SaveAsync(record, ct);
        var read = await NewStore().GetAsync(record.CallId, ct);

        Assert.True(File.Exists(DatabasePath));
        Assert.Equal(SampleRecords.Json(record), SampleRecords.Json(read));
        Assert.Equal(TimeSpan.FromMilliseconds(640), read!.Turns[1].LlmFirstToken);
        Assert.Equal("plus de connexion internet", read.Slots["problem"]);
    }

    [Fact]
    public async Task GetAsync_UnknownCall_ReturnsNull()
    {
        var store = NewStore();

        var read = await store.GetAsync(Guid.NewGuid(), TestContext.Current.CancellationToken);

        Assert.Null(read);
    }

    [Fact]
    public async Task ListAsync_Filters_SinceUntilOutcomeAndLimit_NewestFirst()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = NewStore();
        var records = Enumerable.Range(0, 6)
            .Select(i => SampleRecords.Create(startedAt: SampleRecords.Noon.AddHours(i), outcome: i % 2 == 0 ? CallOutcomeKind.Transfer : CallOutcomeKind.Abandoned))
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
        var first = all[^1];
        Assert.Equal(SampleRecords.Noon, first.StartedAt);
        Assert.Equal(TimeSpan.FromSeconds(83.5), first.Duration);
        Assert.Equal(2, first.TurnCount);
        Assert.Equal(1, first.ProviderErrorCount);
        Assert.Equal("0612345678", first.CallerNumber);
        Assert.Equal("completed", first.EndReason);
    }

    [Fact]
    public async Task SaveAsync_DraftThenFinalThenALateDraft_KeepsOneRowWithTheFinalContent()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = NewStore();
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
    public async Task EnsureSchemaAsync_RunTwiceAndFromASecondInstance_AppliesEachMigrationOnceInWalMode()
    {
        var ct = TestContext.Current.CancellationToken;

        await NewStore().EnsureSchemaAsync(ct);
        var store = NewStore();
        await store.EnsureSchemaAsync(ct);
        await store.EnsureSchemaAsync(ct);
        await store.SaveAsync(SampleRecords.Create(), ct);

        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync(ct);
        await using var versions = new SqliteCommand("SELECT group_concat(version) FROM voicebot_records_schema;", connection);
        await using var journal = new SqliteCommand("PRAGMA journal_mode;", connection);
        Assert.Equal("1,2", await versions.ExecuteScalarAsync(ct));
        Assert.Equal("wal", await journal.ExecuteScalarAsync(ct));
    }

    [Fact]
    public async Task EnsureSchemaAsync_TwoInstancesAtOnce_BothSucceed()
    {
        var ct = TestContext.Current.CancellationToken;

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => NewStore().EnsureSchemaAsync(ct), ct)));
        var store = NewStore();
        await store.SaveAsync(SampleRecords.Create(), ct);

        Assert.Single(await store.ListAsync(new CallRecordQuery(), ct));
    }
}
