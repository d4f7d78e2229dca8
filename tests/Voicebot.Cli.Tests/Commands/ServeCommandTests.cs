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
}
