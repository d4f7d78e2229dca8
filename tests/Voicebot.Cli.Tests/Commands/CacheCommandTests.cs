using Spectre.Console;
using Voicebot.Cli.Commands;
using Voicebot.Testing.Consoles;

namespace Voicebot.Cli.Tests.Commands;

/// <summary>Runs the real espeak-ng (installed by deploy/dev/test.sh) into a temporary cache.</summary>
public sealed class CacheCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"voicebot-cache-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static (IAnsiConsole Console, StringWriter Output) TestConsole() => TestConsoles.Create();

    [Fact]
    public async Task RunAsync_EmptyCache_RendersEveryPhraseThenNothingWhenMissingOnly()
    {
        var (console, output) = TestConsole();
        string[] args = [$"--PhraseCache:Directory={_directory}"];

        var first = await CacheCommand.RunAsync(args, [8000], force: true, console, TestContext.Current.CancellationToken);
        var files = Directory.GetFiles(Path.Combine(_directory, "8000"), "*.pcm");
        var second = await CacheCommand.RunAsync(args, [8000], force: false, console, TestContext.Current.CancellationToken);

        Assert.Equal(0, first);
        Assert.Equal(0, second);
        Assert.Contains(files, f => Path.GetFileName(f).StartsWith("welcome-", StringComparison.Ordinal));
        Assert.All(files, f => Assert.True(new FileInfo(f).Length > 1600, $"{f} holds at least 0.1 s of audio"));
        Assert.Contains("0 phrase(s) rendered at 8000 Hz", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MissingEngine_ExplainsAndFails()
    {
        var (console, output) = TestConsole();
        string[] args = [$"--PhraseCache:Directory={_directory}", "--Espeak:ExecutablePath=/nonexistent/espeak-ng"];

        var exit = await CacheCommand.RunAsync(args, [8000], force: true, console, TestContext.Current.CancellationToken);

        Assert.Equal(1, exit);
        Assert.Contains("apt-get install espeak-ng", output.ToString(), StringComparison.Ordinal);
    }
}
