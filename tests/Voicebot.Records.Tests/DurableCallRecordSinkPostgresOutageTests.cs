using Microsoft.Extensions.Logging.Abstractions;
using Voicebot.Records.Storage;
using Voicebot.Records.Tests.Support;
using Voicebot.Testing.Paths;

namespace Voicebot.Records.Tests;

/// <summary>The "records written under a database outage and replayed", on a real PostgreSQL server stopped mid-run.</summary>
public sealed class DurableCallRecordSinkPostgresOutageTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly string _directory = RepositoryPaths.NewTemporaryDirectory("voicebot-outage");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Sink_PostgresStoppedThenRestarted_NoRecordLostNoneDuplicated()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await postgres.NewDatabaseAsync(ct);
        await using var store = new PostgresCallRecordStore(connectionString, NullLogger<PostgresCallRecordStore>.Instance);
        var options = new CallRecordsOptions
        {
            Provider = CallRecordsOptions.PostgresProvider,
            PostgresConnectionString = connectionString,
            WriteTimeout = TimeSpan.FromSeconds(10),
            ReplayInterval = TimeSpan.FromMilliseconds(100),
            MaxReplayInterval = TimeSpan.FromMilliseconds(500),
        };
        await using var harness = new SinkHarness(store, TimeProvider.System, Path.Combine(_directory, "spool"), options);
        await harness.Sink.StartAsync(ct);
        var before = Enumerable.Range(0, 5).Select(i => SampleRecords.Create(startedAt: SampleRecords.Noon.AddMinutes(i))).ToList();
        var during = Enumerable.Range(5, 10).Select(i => SampleRecords.Create(startedAt: SampleRecords.Noon.AddMinutes(i))).ToList();

        before.ForEach(harness.Sink.Submit);
        await harness.Sink.FlushAsync(ct);
        var storedBefore = (await store.ListAsync(new CallRecordQuery(Limit: 1000), ct)).Count;

        await postgres.Server.StopAsync(ct);
        during.ForEach(harness.Sink.Submit);
        // Records replayed twice (a gateway retry) must not duplicate either.
        harness.Sink.Submit(before[0]);
        harness.Sink.Submit(during[0]);
        await harness.Sink.FlushAsync(ct);
        var spooledDuringOutage = harness.Spool.PendingFiles().Count;
        var outageSeen = harness.Sink.InOutage;

        await postgres.Server.StartAsync(ct);
        await Eventually.TrueAsync(
            () => Task.FromResult(harness.Spool.PendingFiles().Count == 0 && !harness.Sink.InOutage), "the spool is replayed after the restart", ct);

        Assert.Equal(5, storedBefore);
        Assert.True(outageSeen);
        Assert.Equal(12, spooledDuringOutage);
        var listed = await store.ListAsync(new CallRecordQuery(Limit: 1000), ct);
        Assert.Equal(before.Concat(during).Select(r => r.CallId).Order(), listed.Select(s => s.CallId).Order());
        Assert.Equal(SampleRecords.Json(during[3]), SampleRecords.Json(await store.GetAsync(during[3].CallId, ct)));
        Assert.Contains(harness.Logs.GetSnapshot(), l => l.Id.Name == "StoreBack");
    }
}
