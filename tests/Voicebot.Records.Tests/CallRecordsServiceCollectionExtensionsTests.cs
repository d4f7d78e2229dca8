using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Records;
using Voicebot.Records.Storage;
using Voicebot.Records.Tests.Support;
using Voicebot.Testing.Network;
using Voicebot.Testing.Paths;

namespace Voicebot.Records.Tests;

public sealed class CallRecordsServiceCollectionExtensionsTests : IDisposable
{
    private readonly string _contentRoot = RepositoryPaths.NewTemporaryDirectory("voicebot-records-di");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_contentRoot, recursive: true);
    }

    private ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddLogging()
            .AddCallRecords(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), _contentRoot)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

    [Fact]
    public async Task AddCallRecords_NoKeys_WritesToSqliteUnderTheContentRootAndReportsReady()
    {
        var ct = TestContext.Current.CancellationToken;
        var record = SampleRecords.Create();
        var services = Build([]);
        var hosted = Assert.Single(services.GetServices<IHostedService>().OfType<DurableCallRecordSink>());
        var sink = services.GetRequiredService<ICallRecordSink>();

        await hosted.StartAsync(ct);
        sink.Submit(record);
        await sink.FlushAsync(ct);
        var stored = await services.GetRequiredService<ICallRecordStore>().GetAsync(record.CallId, ct);
        var health = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains("ready"), ct);
        await hosted.StopAsync(ct);
        await services.DisposeAsync();

        Assert.IsType<DurableCallRecordSink>(sink);
        Assert.Equal(SampleRecords.Json(record), SampleRecords.Json(stored));
        Assert.True(File.Exists(Path.Combine(_contentRoot, "data", "calls.db")));
        Assert.Equal(HealthStatus.Healthy, health.Status);
    }

    [Fact]
    public async Task AddCallRecords_PostgresUnreachable_ReadinessIsDegradedWithoutTheSecret()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = LoopbackPorts.Take(1)[0];
        await using var services = Build(new()
        {
            ["Records:Provider"] = "postgres",
            ["Records:PostgresConnectionString"] = $"Host=127.0.0.1;Port={port};Username=voicebot;Password=hunter2;Timeout=2",
        });

        var health = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains("ready"), ct);

        Assert.IsType<PostgresCallRecordStore>(services.GetRequiredService<ICallRecordStore>());
        Assert.Equal(HealthStatus.Degraded, health.Status);   // records spool meanwhile: the silo keeps taking calls
        Assert.DoesNotContain("hunter2", health.Entries["records"].Description ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public void AddCallRecords_PostgresWithoutConnectionString_FailsValidation()
    {
        using var services = Build(new() { ["Records:Provider"] = "postgres" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<CallRecordsOptions>>().Value);

        Assert.Contains("Records__PostgresConnectionString", error.Message, StringComparison.Ordinal);
    }
}
