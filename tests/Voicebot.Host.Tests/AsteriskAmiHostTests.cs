using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Technicians;
using Voicebot.Providers.Asterisk.Ami;
using Voicebot.Providers.Asterisk.Technicians;
using Voicebot.Providers.Local.Technicians;
using Voicebot.Testing.Emulators.Ami;

namespace Voicebot.Host.Tests;

/// <summary>The composition root wires AMI only when <c>Asterisk:Ami:Enabled</c>, in place of the local providers.</summary>
public sealed class AsteriskAmiHostTests
{
    [Fact]
    public async Task Build_Defaults_KeepTheLocalTechnicianScheduleAndNoAmiClient()
    {
        await using var app = VoicebotHost.Build([], builder => builder.Configuration.AddInMemoryCollection(Ports()));

        Assert.IsType<ScheduledTechnicianAvailability>(app.Services.GetRequiredService<ITechnicianAvailability>());
        Assert.Null(app.Services.GetService<IAmiClient>());
        Assert.DoesNotContain(app.Services.GetServices<IHostedService>(), s => s is AmiClient);
    }

    [Fact]
    public async Task Build_AmiEnabled_AsksAsteriskForTechniciansAndTransfers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        emulator.SetQueue("technicians", available: 1);
        var settings = Ports();
        settings["Asterisk:Ami:Enabled"] = "true";
        settings["Asterisk:Ami:Port"] = emulator.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Asterisk:Ami:Username"] = AmiEmulator.DefaultUsername;
        settings["Asterisk:Ami:Secret"] = AmiEmulator.DefaultSecret;   // as Asterisk__Ami__Secret would provide it

        await using var app = VoicebotHost.Build([], builder => builder.Configuration.AddInMemoryCollection(settings));
        var availability = app.Services.GetRequiredService<ITechnicianAvailability>();
        var client = Assert.Single(app.Services.GetServices<IHostedService>().OfType<AmiClient>());
        await client.StartAsync(ct);   // the AMI client alone: the test needs neither the silo nor the listeners
        await client.WaitUntilConnectedAsync(ct);
        var available = await availability.IsAvailableAsync(Guid.NewGuid(), ct);
        await client.StopAsync(ct);

        Assert.IsType<AmiTechnicianAvailability>(availability);
        Assert.IsType<AmiCallTransfer>(app.Services.GetRequiredService<ICallTransfer>());
        Assert.True(available);
        Assert.Equal(1, emulator.CountActions("QueueSummary"));
    }

    [Fact]
    public async Task Start_AmiEnabledWithoutSecret_FailsFastNamingTheVariable()
    {
        var settings = Ports();
        settings["Asterisk:Ami:Enabled"] = "true";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = VoicebotHost.Build([], builder => builder.Configuration.AddInMemoryCollection(settings));
            await app.StartAsync(TestContext.Current.CancellationToken);
        });

        Assert.Contains(error.Failures, f => f.Contains("Asterisk__Ami__Secret", StringComparison.Ordinal));
    }

    private static Dictionary<string, string?> Ports() => new()
    {
        ["AudioSocket:Port"] = "0",
        ["Http:Port"] = "0",
    };
}
