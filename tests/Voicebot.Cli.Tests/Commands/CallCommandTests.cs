using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Spectre.Console;
using Voicebot.Abstractions.Phrases;
using Voicebot.Cli.Calling;
using Voicebot.Cli.Commands;
using Voicebot.Cli.Tests.Support;
using Voicebot.Testing.Consoles;

namespace Voicebot.Cli.Tests.Commands;

public sealed class CallCommandTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_FakeBotPlaysKnownPhrases_PrintsThemWritesTheWavAndExitsZero()
    {
        var welcome = new PhraseAudio("welcome", "Bienvenue au service après-vente.", Tone.Noise(10 * 320, 1), 8000);
        var goodbye = new PhraseAudio("goodbye", "Au revoir.", Tone.Noise((6 * 320) + 50, 2), 8000);
        var phrases = new DelegateKnownPhraseSource((_, _) => Task.FromResult<IReadOnlyList<PhraseAudio>>([welcome, goodbye]));
        using var temp = new TempDirectory();
        var scenarioPath = temp.Write("s.json", """
            { "name": "short", "steps": [
              { "waitForPrompt": { "timeoutSeconds": 10, "silenceSeconds": 0.2 } },
              { "dtmf": "1" },
              { "waitForHangup": { "timeoutSeconds": 10 } } ] }
            """);
        var wavPath = Path.Combine(temp.Path, "out", "bot.wav");
        await using var server = FakeAudioSocketServer.Start();
        var bot = RunFakeBotAsync(server, welcome, goodbye);
        var (console, output) = TestConsole();

        var exitCode = await CallCommand.RunAsync(
            new CallSettings("127.0.0.1", server.Port, scenarioPath, OutputPath: wavPath),
            new FakeToneSynthesizer(),
            phrases,
            console,
            Token);
        await bot;

        var text = output.ToString();
        Assert.True(exitCode == CallCommand.Completed, text);
        Assert.Contains("Bot: « Bienvenue au service après-vente. »", text, StringComparison.Ordinal);
        Assert.Contains("Bot: « Au revoir. »", text, StringComparison.Ordinal);
        Assert.Contains("Caller: 📞 DTMF 1", text, StringComparison.Ordinal);
        Assert.Contains("welcome, goodbye", text, StringComparison.Ordinal);
        Assert.Equal(44 + (18 * 320), new FileInfo(wavPath).Length);   // 10 + 1 silence + 7 frames
    }

    [Fact]
    public async Task RunAsync_NothingListening_ExitsNotConnectedWithAClearMessage()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var (console, output) = TestConsole();

        var exitCode = await CallCommand.RunAsync(new CallSettings("127.0.0.1", port, "silent-caller"), new FakeToneSynthesizer(), null, console, Token);

        Assert.Equal(CallCommand.NotConnected, exitCode);
        Assert.Contains("connection refused", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_BotSendsDtmf_ExitsWithProtocolViolation()
    {
        using var temp = new TempDirectory();
        await using var server = FakeAudioSocketServer.Start();
        var bot = Task.Run(async () =>
        {
            await using var connection = await server.AcceptAsync(Token);
            await connection.SendAsync(FakeAudioSocketConnection.Frame(0x03, "5"u8), Token);
            await connection.Closed.WaitAsync(TimeSpan.FromSeconds(10), Token);
        }, Token);
        var (console, output) = TestConsole();

        var exitCode = await CallCommand.RunAsync(
            new CallSettings("127.0.0.1", server.Port, "silent-caller", OutputPath: Path.Combine(temp.Path, "bot.wav")),
            new FakeToneSynthesizer(),
            null,
            console,
            Token);
        await bot;

        Assert.Equal(CallCommand.BotProtocolViolation, exitCode);
        Assert.Contains("0x03", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_UnknownScenario_ExitsNotConnected()
    {
        var (console, output) = TestConsole();

        var exitCode = await CallCommand.RunAsync(new CallSettings("127.0.0.1", 1, "no-such-scenario"), new FakeToneSynthesizer(), null, console, Token);

        Assert.Equal(CallCommand.NotConnected, exitCode);
        Assert.Contains("Scenario error", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ParsesEveryOption()
    {
        var root = new RootCommand { CallCommand.Create() };

        var result = root.Parse(["call", "--host", "10.0.0.1", "--port", "9019", "--scenario", "wrong-keys", "--rate", "16000", "--hang-up-after", "3.5", "--quiet", "--voice", "tone", "--call-id", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"]);

        Assert.Empty(result.Errors);
        Assert.Equal("10.0.0.1", result.GetValue<string>("--host"));
        Assert.Equal(9019, result.GetValue<int>("--port"));
        Assert.Equal(16000, result.GetValue<int?>("--rate"));
    }

    [Fact]
    public void Create_RateNotSupported_IsAParseError()
    {
        var root = new RootCommand { CallCommand.Create() };

        var result = root.Parse(["call", "--rate", "11025"]);

        Assert.NotEmpty(result.Errors);
    }

    private static async Task RunFakeBotAsync(FakeAudioSocketServer server, PhraseAudio welcome, PhraseAudio goodbye)
    {
        await using var connection = await server.AcceptAsync(Token);
        await SendPhraseAsync(connection, welcome);
        await connection.WaitUntilAsync(frames => frames.Any(f => f.Kind == 0x03), TimeSpan.FromSeconds(10), Token);
        await connection.SendAsync(FakeAudioSocketConnection.Frame(0x10, new byte[320]), Token);
        await SendPhraseAsync(connection, goodbye);
        await connection.SendAsync([0x00, 0x00, 0x00], Token);
        await connection.Closed.WaitAsync(TimeSpan.FromSeconds(10), Token);
    }

    private static async Task SendPhraseAsync(FakeAudioSocketConnection connection, PhraseAudio phrase)
    {
        for (var offset = 0; offset < phrase.Pcm.Length; offset += 320)
        {
            var frame = new byte[320];
            phrase.Pcm.AsSpan(offset, Math.Min(320, phrase.Pcm.Length - offset)).CopyTo(frame);
            await connection.SendAsync(FakeAudioSocketConnection.Frame(0x10, frame), Token);
        }
    }

    private static (IAnsiConsole Console, StringWriter Output) TestConsole() => TestConsoles.Create();

    private sealed class TempDirectory : IDisposable
    {
        public TempDirectory()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"voicebot-cli-{Guid.NewGuid():N}");
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string Write(string name, string content)
        {
            var file = System.IO.Path.Combine(Path, name);
            File.WriteAllText(file, content);
            return file;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
