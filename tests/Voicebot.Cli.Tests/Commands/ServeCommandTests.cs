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
}
