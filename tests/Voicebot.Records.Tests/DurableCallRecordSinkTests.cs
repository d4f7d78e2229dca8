using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Voicebot.Records.Storage;
using Voicebot.Records.Tests.Support;
using Voicebot.Testing.Paths;

namespace Voicebot.Records.Tests;

public sealed class DurableCallRecordSinkTests : IDisposable
{
    private static readonly CallRecordsOptions Options = new()
    {
        WriteTimeout = TimeSpan.FromSeconds(10),
        ReplayInterval = TimeSpan.FromSeconds(5),
        MaxReplayInterval = TimeSpan.FromSeconds(40),
    };

    private readonly string _directory = RepositoryPaths.NewTemporaryDirectory("voicebot-sink");
    private readonly FakeTimeProvider _time = new(SampleRecords.Noon);

    private string SpoolDirectory => Path.Combine(_directory, "spool");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Submit_StoreNeverReturns_ReturnsAtOnceAndFlushSpoolsEveryRecordAfterTheWriteTimeout()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new HangingCallRecordStore();
        await using var harness = new SinkHarness(store, _time, SpoolDirectory, Options);
        await harness.Sink.StartAsync(ct);
        var records = Enumerable.Range(0, 50).Select(_ => SampleRecords.Create()).ToList();

        // Submit is synchronous: were it to wait on the store, this line would never return.
        records.ForEach(harness.Sink.Submit);
        var flush = harness.Sink.FlushAsync(ct);
        await Eventually.TrueAsync(() => Task.FromResult(store.SaveCalls >= 1), "the writer is stuck in the store", ct);
        var flushedBeforeTimeout = flush.IsCompleted;
        _time.Advance(Options.WriteTimeout);
        await flush;

        Assert.False(flushedBeforeTimeout);
        Assert.True(harness.Sink.InOutage);
        var spooled = harness.Spool.PendingFiles();
        Assert.Equal(50, spooled.Count);
        Assert.Equal(
            records.Select(r => r.CallId).Order(),
            (await Task.WhenAll(spooled.Select(f => harness.Spool.ReadAsync(f, ct)))).Select(r => r!.CallId).Order());
        Assert.Contains(harness.Logs.GetSnapshot(), l => l.Id.Name == "StoreWriteFailed" && l.Message.Contains(records[0].CallId.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Outage_StoreDownThenBack_EverySpooledRecordReplayedOnceAndFilesDeleted()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new SwitchableCallRecordStore { Down = true };
        await using var harness = new SinkHarness(store, _time, SpoolDirectory, Options);
        using var written = new MetricCollector<long>(harness.MeterFactory, RecordsMetrics.MeterName, "voicebot.records.written");
        using var spooled = new MetricCollector<long>(harness.MeterFactory, RecordsMetrics.MeterName, "voicebot.records.spooled");
        using var replayed = new MetricCollector<long>(harness.MeterFactory, RecordsMetrics.MeterName, "voicebot.records.replayed");
        using var outage = new MetricCollector<int>(harness.MeterFactory, RecordsMetrics.MeterName, "voicebot.records.outage");
        await harness.Sink.StartAsync(ct);
        var records = Enumerable.Range(0, 3).Select(_ => SampleRecords.Create()).ToList();

        records.ForEach(harness.Sink.Submit);
        await harness.Sink.FlushAsync(ct);
        var spooledDuringOutage = harness.Spool.PendingFiles().Count;
        outage.RecordObservableInstruments();
        var outageGauge = outage.LastMeasurement?.Value;
        store.Down = false;
        await Eventually.TrueAsync(
            () =>
            {
                _time.Advance(Options.ReplayInterval);
                return Task.FromResult(harness.Spool.PendingFiles().Count == 0 && !harness.Sink.InOutage);
            },
            "the spool is replayed",
            ct);
        var after = SampleRecords.Create();
        harness.Sink.Submit(after);
        await harness.Sink.FlushAsync(ct);

        Assert.Equal(3, spooledDuringOutage);
        Assert.All(records, r => Assert.Equal(1, store.WritesOf(r.CallId)));
        Assert.Equal(SampleRecords.Json(records[1]), SampleRecords.Json(store.Records[records[1].CallId]));
        Assert.Equal(1, store.WritesOf(after.CallId));
        Assert.Empty(harness.Spool.PendingFiles());
        Assert.Contains(harness.Logs.GetSnapshot(), l => l.Id.Name == "StoreBack");
        outage.RecordObservableInstruments();
        Assert.Equal(1, outageGauge);
        Assert.Equal(0, outage.LastMeasurement?.Value);
        Assert.Equal(3, spooled.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(3, replayed.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, written.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task StartAsync_SpoolLeftByAPreviousRun_IsReplayedAndATornFileIsReportedNotFatal()
    {
        var ct = TestContext.Current.CancellationToken;
        var previous = new[] { SampleRecords.Create(), SampleRecords.Create() };
        await using (var previousRun = new SinkHarness(new SwitchableCallRecordStore(), _time, SpoolDirectory, Options))
        {
            foreach (var record in previous)
            {
                await previousRun.Spool.WriteAsync(record, ct);
            }
        }

        await File.WriteAllTextAsync(Path.Combine(SpoolDirectory, "0000000000000-torn.json"), """{"callId":"5b0f3f0e-8f57-4d2e""", ct);
        var store = new SqliteCallRecordStore(Path.Combine(_directory, "calls.db"), NullLogger<SqliteCallRecordStore>.Instance);
        await using var harness = new SinkHarness(store, _time, SpoolDirectory, Options);

        await harness.Sink.StartAsync(ct);
        await Eventually.TrueAsync(() => Task.FromResult(harness.Spool.PendingFiles().Count == 0), "the previous run's spool is replayed", ct);
        var fresh = SampleRecords.Create();
        harness.Sink.Submit(fresh);
        await harness.Sink.FlushAsync(ct);

        var listed = await store.ListAsync(new CallRecordQuery(), ct);
        Assert.Equal(previous.Append(fresh).Select(r => r.CallId).Order(), listed.Select(s => s.CallId).Order());
        Assert.Equal(SampleRecords.Json(previous[0]), SampleRecords.Json(await store.GetAsync(previous[0].CallId, ct)));
        Assert.True(File.Exists(Path.Combine(SpoolDirectory, "0000000000000-torn.corrupt")));
        var logs = harness.Logs.GetSnapshot();
        Assert.Contains(logs, l => l.Id.Name == "SpoolFound" && l.Message.StartsWith("3 ", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Id.Name == "CorruptSpoolFile" && l.Level == LogLevel.Error);
        Assert.Equal(2, logs.Count(l => l.Id.Name == "RecordReplayed"));
    }

    [Fact]
    public async Task StopAsync_DeadlinePassedWhileTheStoreHangs_SpoolsTheQueueAndLaterSubmissions()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new HangingCallRecordStore();
        await using var harness = new SinkHarness(store, _time, SpoolDirectory, Options);
        await harness.Sink.StartAsync(ct);
        var records = Enumerable.Range(0, 5).Select(_ => SampleRecords.Create()).ToList();
        records.ForEach(harness.Sink.Submit);
        await Eventually.TrueAsync(() => Task.FromResult(store.SaveCalls >= 1), "the writer is stuck in the store", ct);

        await harness.Sink.StopAsync(new CancellationToken(canceled: true));
        var late = SampleRecords.Create();
        harness.Sink.Submit(late);
        await harness.Sink.FlushAsync(ct);

        var spooled = await Task.WhenAll(harness.Spool.PendingFiles().Select(f => harness.Spool.ReadAsync(f, ct)));
        Assert.Equal(records.Append(late).Select(r => r.CallId).Order(), spooled.Select(r => r!.CallId).Order());
        Assert.Contains(harness.Logs.GetSnapshot(), l => l.Id.Name == "SubmittedAfterStop");
    }

    [Fact]
    public async Task FlushAsync_HealthyStore_ReturnsOnceEveryRecordIsStored()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new SwitchableCallRecordStore();
        await using var harness = new SinkHarness(store, _time, SpoolDirectory, Options);
        await harness.Sink.StartAsync(ct);
        var records = Enumerable.Range(0, 20).Select(_ => SampleRecords.Create()).ToList();

        records.ForEach(harness.Sink.Submit);
        await harness.Sink.FlushAsync(ct);

        Assert.All(records, r => Assert.Equal(1, store.WritesOf(r.CallId)));
        Assert.False(Directory.Exists(SpoolDirectory) && Directory.EnumerateFileSystemEntries(SpoolDirectory).Any());
    }
}
