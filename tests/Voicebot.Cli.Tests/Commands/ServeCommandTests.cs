using Voicebot.Cli.Calling;
using Voicebot.Cli.Commands;

namespace Voicebot.Cli.Tests.Commands;

public sealed class ServeCommandTests
{
    [Fact]
    public async Task Serve_InvalidSetting_ExitsTwoWithoutStarting()
    {
        var exit = await ServeCommand.RunAsync(["--AudioSocket:MaxConcurrentCalls=0"], demoScenario: null, exitAfterDemo: true, TestContext.Current.CancellationToken);

        Assert.Equal(2, exit);
    }

    [Theory]
    [InlineData("--Http:ListenAddress=0.0.0.0")]                                   // call data open to the network
    [InlineData("--Http:ListenAddress=0.0.0.0", "--Http:OperatorToken=short")]    // a token anyone could guess
    public async Task Serve_HttpOpenToTheNetworkWithoutAGoodToken_ExitsTwoWithoutStarting(params string[] settings)
    {
        var exit = await ServeCommand.RunAsync([.. settings, "--AudioSocket:Port=0", "--Http:Port=0"], demoScenario: null, exitAfterDemo: true, TestContext.Current.CancellationToken);

        Assert.Equal(2, exit);
    }

    [Theory]
    [InlineData("--AudioSocket:Port=abc")]          // does not bind: not a number
    [InlineData("--Technicians:Mode=Sometimes")]    // does not bind: not one of the modes
    [InlineData("--Calls:Flow=nope")]               // no such flow file
    public async Task Serve_SettingThatCannotBeUsed_ExitsTwoInsteadOfCrashing(string setting)
    {
        var exit = await ServeCommand.RunAsync(["--AudioSocket:Port=0", "--Http:Port=0", setting], demoScenario: null, exitAfterDemo: true, TestContext.Current.CancellationToken);

        Assert.Equal(2, exit);
    }

    [Fact]
    public async Task Serve_AudioSocketPortAlreadyInUse_ExitsTwoInsteadOfCrashing()
    {
        using var other = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        other.Start();
        var port = ((System.Net.IPEndPoint)other.LocalEndpoint).Port;

        var exit = await ServeCommand.RunAsync([$"--AudioSocket:Port={port}", "--AudioSocket:ListenAddress=127.0.0.1", "--Http:Port=0"], demoScenario: null, exitAfterDemo: true, TestContext.Current.CancellationToken);

        Assert.Equal(2, exit);
    }

    [Theory]
    [InlineData("mobile-not-fixed-transfer", "--Technicians:Mode=AlwaysAvailable")]
    [InlineData("mobile-not-fixed-no-technician", "--Technicians:Mode=NeverAvailable")]
    public async Task DemoHostArgs_ScenarioNeedingTechnicians_PinsTheMode(string scenarioName, string expected)
    {
        var scenario = await CallScenarioLoader.LoadAsync(scenarioName, TestContext.Current.CancellationToken);

        Assert.Equal(["--Http:Port=1", expected], ServeCommand.DemoHostArgs(["--Http:Port=1"], scenario));
    }

    [Fact]
    public async Task DemoHostArgs_ModeGivenOnTheCommandLine_Wins()
    {
        var scenario = await CallScenarioLoader.LoadAsync("mobile-not-fixed-transfer", TestContext.Current.CancellationToken);

        Assert.Equal(["--Technicians:Mode=OfficeHours"], ServeCommand.DemoHostArgs(["--Technicians:Mode=OfficeHours"], scenario));
    }

    [Fact]
    public async Task DemoHostArgs_ScenarioWithoutTechnicians_LeavesTheArgumentsAlone()
    {
        var scenario = await CallScenarioLoader.LoadAsync("internet-fixed", TestContext.Current.CancellationToken);

        Assert.Equal(["--Http:Port=1"], ServeCommand.DemoHostArgs(["--Http:Port=1"], scenario));
    }
}
