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

}
