using System.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serilog.Events;
using Serilog.Parsing;
using Voicebot.Gateway;
using Voicebot.Host.Watching;

namespace Voicebot.Host.Tests.Watching;

public sealed class OperatorNoiseLogFilterTests
{
    private const int AudioSocketPort = 9090;

    [Fact]
    public void KestrelAnnouncement_OfTheAudioSocketPort_IsDropped()
    {
        Assert.False(Filter().IsEnabled(Event("Now listening on: {address}", ("address", $"http://127.0.0.1:{AudioSocketPort}"))));
    }

    [Fact]
    public void KestrelAnnouncement_OfTheHttpPort_IsKept()
    {
        Assert.True(Filter().IsEnabled(Event("Now listening on: {address}", ("address", "http://127.0.0.1:8088"))));
    }

    [Theory]
    [InlineData("Note: Silo not running with ServerGC turned on - recommend checking app config : <configuration>-<runtime>-<gcServer enabled=\"true\">")]
    [InlineData("Note: ServerGC only kicks in on multi-core systems (settings enabling ServerGC have no effect on single-core machines).")]
    public void ServerGcNotes_UnderWorkstationGc_AreDropped(string note)
    {
        // The test host runs workstation GC, as the product does on purpose for the pacer.
        Assert.False(GCSettings.IsServerGC);
        Assert.False(Filter().IsEnabled(Event(note)));
    }

    [Fact]
    public void OtherWarnings_AreKept()
    {
        Assert.True(Filter().IsEnabled(Event("Draining for shutdown: {Active} calls active", ("Active", 0))));
    }

    private static OperatorNoiseLogFilter Filter()
    {
        var services = new ServiceCollection()
            .AddSingleton(Options.Create(new AudioSocketOptions { Port = AudioSocketPort }))
            .BuildServiceProvider();
        return new OperatorNoiseLogFilter(services);
    }

    private static LogEvent Event(string template, params (string Name, object Value)[] properties) => new(
        DateTimeOffset.UnixEpoch,
        LogEventLevel.Warning,
        exception: null,
        new MessageTemplateParser().Parse(template),
        properties.Select(property => new LogEventProperty(property.Name, new ScalarValue(property.Value))));
}
