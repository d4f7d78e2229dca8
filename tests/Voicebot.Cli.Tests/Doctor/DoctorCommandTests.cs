using System.Net;
using System.Net.Sockets;
using Spectre.Console;
using Voicebot.Cli.Commands;
using Voicebot.Testing.Consoles;
using Voicebot.Testing.Emulators.Ami;
using Voicebot.Testing.Network;
using Voicebot.Testing.Paths;

namespace Voicebot.Cli.Tests.Doctor;

/// <summary><c>voicebot doctor</c> against the real host build, real espeak-ng and real sockets, in a temporary data directory.</summary>
public sealed class DoctorCommandTests : IDisposable
{
    private readonly string _data = RepositoryPaths.NewTemporaryDirectory("voicebot-doctor");

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Doctor_GoodConfiguration_EveryCheckPassesAndExitsZero()
    {
        var ct = TestContext.Current.CancellationToken;
        var args = Settings(LoopbackPorts.Take(4));
        Assert.Equal(0, await CacheCommand.RunAsync(args, [8000], force: false, TestConsole().Console, ct));   // render the phrases first

        var (console, output) = TestConsole();
        var exit = await DoctorCommand.RunAsync(args, console, ct);

        var text = output.ToString();
        Assert.True(exit == 0, text);
        Assert.DoesNotContain("FAIL", text, StringComparison.Ordinal);
        Assert.Contains("ok   espeak-ng: eSpeak NG", text, StringComparison.Ordinal);
        Assert.Contains("ok   phrase cache: ", text, StringComparison.Ordinal);
        Assert.Contains("ok   port: AudioSocket", text, StringComparison.Ordinal);
        Assert.Contains("All checks passed.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_BrokenConfiguration_NamesEachProblemWithItsFixAndNeverPrintsTheSecret()
    {
        var ct = TestContext.Current.CancellationToken;
        var ports = LoopbackPorts.Take(4);
        using var squatter = new TcpListener(IPAddress.Loopback, ports[0]);   // someone already holds the AudioSocket port
        squatter.Start();
        var notADirectory = Path.Combine(_data, "file");
        await File.WriteAllTextAsync(notADirectory, "x", ct);
        string[] args =
        [
            .. Settings(ports),
            $"--Calls:ClipDirectory={Path.Combine(notADirectory, "clips")}",   // under a regular file: cannot be created
            "--Llm:Enabled=true",                                           // a language model without its key
            "--Speech:Recognizer=deepgram",
            "--Deepgram:ApiKey=dg-secret-value-123",
            "--Espeak:ExecutablePath=/nonexistent/espeak-ng",
        ];

        var (console, output) = TestConsole();
        var exit = await DoctorCommand.RunAsync(args, console, ct);

        var text = output.ToString();
        Assert.Equal(1, exit);
        Assert.Contains("FAIL espeak-ng", text, StringComparison.Ordinal);
        Assert.Contains("apt-get install espeak-ng", text, StringComparison.Ordinal);
        Assert.Contains($"FAIL port: AudioSocket: 127.0.0.1:{ports[0]} already in use", text, StringComparison.Ordinal);
        Assert.Contains("FAIL writable: Calls:ClipDirectory", text, StringComparison.Ordinal);
        Assert.Contains("FAIL secret: language model: missing → set Llm__ApiKey", text, StringComparison.Ordinal);
        Assert.Contains("ok   secret: Deepgram: set", text, StringComparison.Ordinal);
        Assert.Contains("FAIL configuration", text, StringComparison.Ordinal);   // Llm:Enabled without ApiKey is invalid too
        Assert.DoesNotContain("dg-secret-value-123", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_AsteriskManagerAndDatabase_CheckedOnlyWhenConfiguredAndAgainstTheRealPeers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ami = await AmiEmulator.StartAsync(ct);
        var ports = LoopbackPorts.Take(5);
        string[] good = [.. Settings(ports), "--Asterisk:Ami:Enabled=true", $"--Asterisk:Ami:Port={ami.Port}", $"--Asterisk:Ami:Secret={AmiEmulator.DefaultSecret}"];
        string[] bad =
        [
            .. Settings(ports), "--Asterisk:Ami:Enabled=true", $"--Asterisk:Ami:Port={ami.Port}", "--Asterisk:Ami:Secret=wrong-secret",
            "--Records:Provider=postgres", $"--Records:PostgresConnectionString=Host=127.0.0.1;Port={ports[4]};Username=voicebot;Timeout=2",
        ];

        var (goodConsole, goodOutput) = TestConsole();
        await DoctorCommand.RunAsync(good, goodConsole, ct);
        var (badConsole, badOutput) = TestConsole();
        var badExit = await DoctorCommand.RunAsync(bad, badConsole, ct);

        Assert.Contains("ok   Asterisk AMI", goodOutput.ToString(), StringComparison.Ordinal);
        Assert.Contains("ok   record store: sqlite reachable", goodOutput.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, badExit);
        Assert.Contains("FAIL Asterisk AMI", badOutput.ToString(), StringComparison.Ordinal);
        Assert.Contains("FAIL record store: postgres", badOutput.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret", badOutput.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_InvalidOptionValue_ReportsItInsteadOfCrashing()
    {
        var (console, output) = TestConsole();

        var exit = await DoctorCommand.RunAsync([.. Settings(LoopbackPorts.Take(4)), "--AudioSocket:MaxConcurrentCalls=0"], console, TestContext.Current.CancellationToken);

        Assert.Equal(1, exit);
        Assert.Contains("FAIL configuration: MaxConcurrentCalls", output.ToString(), StringComparison.Ordinal);
    }

    private string[] Settings(int[] ports) =>
    [
        $"--PhraseCache:Directory={Path.Combine(_data, "phrase-cache")}",
        $"--Calls:ClipDirectory={Path.Combine(_data, "clips")}",
        $"--Recordings:Directory={Path.Combine(_data, "recordings")}",
        $"--Records:SpoolDirectory={Path.Combine(_data, "spool")}",
        $"--Records:SqlitePath={Path.Combine(_data, "calls.db")}",
        $"--AudioSocket:Port={ports[0]}",
        $"--Http:Port={ports[1]}",
        $"--Orleans:SiloPort={ports[2]}",
        $"--Orleans:GatewayPort={ports[3]}",
    ];

    private static (IAnsiConsole Console, StringWriter Output) TestConsole() => TestConsoles.Create(width: 400);
}
