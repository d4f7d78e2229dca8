using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Voicebot.Records.Spool;
using Voicebot.Records.Storage;

namespace Voicebot.Records.Tests.Support;

/// <summary>A sink over a given store, a spool in a temporary directory and collected logs.</summary>
internal sealed class SinkHarness : IAsyncDisposable
{
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public SinkHarness(ICallRecordStore store, TimeProvider time, string spoolDirectory, CallRecordsOptions? options = null)
    {
        Logs = new FakeLogCollector();
        MeterFactory = _metrics.GetRequiredService<IMeterFactory>();
        var metrics = new RecordsMetrics(MeterFactory);
        Spool = new CallRecordSpool(spoolDirectory, time, metrics, new FakeLogger<CallRecordSpool>(Logs));
        Sink = new DurableCallRecordSink(
            store,
            Spool,
            Options.Create(options ?? new CallRecordsOptions()),
            time,
            metrics,
            new FakeLogger<DurableCallRecordSink>(Logs));
    }

    public FakeLogCollector Logs { get; }

    public IMeterFactory MeterFactory { get; }

    public CallRecordSpool Spool { get; }

    public DurableCallRecordSink Sink { get; }

    public async ValueTask DisposeAsync()
    {
        await Sink.DisposeAsync();
        await _metrics.DisposeAsync();
    }
}
