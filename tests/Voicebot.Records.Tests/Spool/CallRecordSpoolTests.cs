using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Voicebot.Records.Tests.Support;
using Voicebot.Testing.Paths;

namespace Voicebot.Records.Tests.Spool;

public sealed class CallRecordSpoolTests : IAsyncDisposable
{
    private readonly string _directory = RepositoryPaths.NewTemporaryDirectory("voicebot-spool");
    private readonly SinkHarness _harness;

    public CallRecordSpoolTests() =>
        _harness = new SinkHarness(new SwitchableCallRecordStore(), new FakeTimeProvider(SampleRecords.Noon), _directory);

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task WriteAsync_ThenReadAsync_RoundTripsAndLeavesNoTemporaryFile()
    {
        var ct = TestContext.Current.CancellationToken;
        var record = SampleRecords.Create();

        var file = await _harness.Spool.WriteAsync(record, ct);
        var read = await _harness.Spool.ReadAsync(file, ct);

        Assert.Equal([file], _harness.Spool.PendingFiles());
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
        Assert.Contains(record.CallId.ToString("N"), Path.GetFileName(file), StringComparison.Ordinal);
        Assert.Equal(SampleRecords.Json(record), SampleRecords.Json(read));
    }

    [Fact]
    public async Task ReadAsync_TornFile_IsMovedAsideAndReported()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = await _harness.Spool.WriteAsync(SampleRecords.Create(), ct);
        var bytes = await File.ReadAllBytesAsync(file, ct);
        await File.WriteAllBytesAsync(file, bytes[..(bytes.Length / 2)], ct);

        var read = await _harness.Spool.ReadAsync(file, ct);

        Assert.Null(read);
        Assert.Empty(_harness.Spool.PendingFiles());
        Assert.True(File.Exists(Path.ChangeExtension(file, ".corrupt")));
        var report = Assert.Single(_harness.Logs.GetSnapshot(), l => l.Id.Name == "CorruptSpoolFile");
        Assert.Equal(LogLevel.Error, report.Level);
    }

    [Fact]
    public async Task ReadAsync_ValidJsonWithoutARecord_IsMovedAside()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = Path.Combine(_directory, "0000000000000-foreign.json");
        await File.WriteAllTextAsync(file, """{"callId":"5b0f3f0e-8f57-4d2e-9a43-1f43a4b7e8a1"}""", ct);

        var read = await _harness.Spool.ReadAsync(file, ct);

        Assert.Null(read);
        Assert.True(File.Exists(Path.ChangeExtension(file, ".corrupt")));
    }

    [Fact]
    public async Task RecoverLeftovers_CompleteTemporaryFileIsPromoted_TornOneMovedAside()
    {
        var ct = TestContext.Current.CancellationToken;
        var complete = SampleRecords.Create();
        var written = await _harness.Spool.WriteAsync(complete, ct);
        // A crash between the flush and the rename leaves a complete .tmp; a crash mid-write a torn one.
        File.Move(written, Path.ChangeExtension(written, ".tmp"));
        await File.WriteAllTextAsync(Path.Combine(_directory, "0000000000001-torn.tmp"), """{"callId":"5b0f3f0e-8f5""", ct);

        var pending = _harness.Spool.RecoverLeftovers();

        Assert.Equal(1, pending);
        Assert.Equal(SampleRecords.Json(complete), SampleRecords.Json(await _harness.Spool.ReadAsync(_harness.Spool.PendingFiles()[0], ct)));
        Assert.True(File.Exists(Path.Combine(_directory, "0000000000001-torn.corrupt")));
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }
}
