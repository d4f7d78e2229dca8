using Voicebot.Cli.Commands;
using Voicebot.Testing.Network;

namespace Voicebot.EndToEnd.Tests;

/// <summary>The README's main job: <c>voicebot serve --demo</c>, on free ports, stopping after the demo call.</summary>
public sealed class DemoTests
{
    [Fact]
    public async Task ServeDemo_OnEmbeddedDefaults_PlacesACallThatGoesAsItsScenarioExpects()
    {
        var ports = LoopbackPorts.Take(4);
        string[] hostArgs =
        [
            $"--AudioSocket:Port={ports[0]}",
            $"--Http:Port={ports[1]}",
            $"--Orleans:SiloPort={ports[2]}",
            $"--Orleans:GatewayPort={ports[3]}",
            "--Serilog:MinimumLevel:Default=Warning",
        ];

        var exit = await ServeCommand.RunAsync(hostArgs, "internet-fixed", exitAfterDemo: true, TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        var recordings = Directory.GetFiles(Path.Combine(Directory.GetCurrentDirectory(), "data", "calls"), "*-bot.wav");
        Assert.NotEmpty(recordings);
    }

    /// <summary>
    /// The technician scenarios reach their outcome whatever the wall clock says: the demo pins Technicians:Mode from
    /// the scenario instead of the office hours (before, one of the two failed by day and the other by night).
    /// </summary>
    [Theory]
    [InlineData("mobile-not-fixed-transfer")]
    [InlineData("mobile-not-fixed-no-technician")]
    public async Task ServeDemo_TechnicianScenario_GoesAsItsScenarioExpectsAtAnyHour(string scenario)
    {
        var ports = LoopbackPorts.Take(4);
        string[] hostArgs =
        [
            $"--AudioSocket:Port={ports[0]}",
            $"--Http:Port={ports[1]}",
            $"--Orleans:SiloPort={ports[2]}",
            $"--Orleans:GatewayPort={ports[3]}",
            "--Serilog:MinimumLevel:Default=Warning",
        ];

        var exit = await ServeCommand.RunAsync(hostArgs, scenario, exitAfterDemo: true, TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
    }
}
