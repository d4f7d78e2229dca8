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
    public async Task RunAsync_OutcomeAsExpected_PrintsItAndExitsZero()
    {
        var callId = Guid.NewGuid();
        await using var http = FakeOutcomeHttpServer.Start((200, """{ "outcome": "no-technician", "reason": "completed" }"""));

        var (exitCode, text) = await RunAgainstFakeBotAsync(ExpectingOutcome("noTechnician"), http.Address, callId);

        Assert.True(exitCode == CallCommand.Completed, text);
        Assert.Contains("Outcome: no-technician (reason completed) as expected", text, StringComparison.Ordinal);
        Assert.Equal([$"/calls/{callId:D}/outcome?format=json"], http.Requests);
    }

    [Fact]
    public async Task RunAsync_OutcomeNotTheExpectedOne_SaysExpectedAndGotAndExitsScenarioFailed()
    {
        await using var http = FakeOutcomeHttpServer.Start((200, """{ "outcome": "no-technician", "reason": "completed" }"""));

        var (exitCode, text) = await RunAgainstFakeBotAsync(ExpectingOutcome("transfer"), http.Address);

        Assert.True(exitCode == CallCommand.ScenarioFailed, text);
        Assert.Contains("Outcome: expected outcome transfer, got no-technician (reason completed)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_OutcomePendingAtFirst_AsksAgainUntilTheCallIsOver()
    {
        await using var http = FakeOutcomeHttpServer.Start(
            (409, """{ "outcome": "pending", "state": "GOODBYE" }"""),
            (200, """{ "outcome": "transfer", "reason": "completed" }"""));

        var (exitCode, text) = await RunAgainstFakeBotAsync(ExpectingOutcome("transfer"), http.Address);

        Assert.True(exitCode == CallCommand.Completed, text);
        Assert.Equal(2, http.Requests.Count);
    }

    [Fact]
    public async Task RunAsync_UnknownCallOnTheBot_ExitsOutcomeUnknown()
    {
        await using var http = FakeOutcomeHttpServer.Start((404, """{ "outcome": "unknown" }"""));

        var (exitCode, text) = await RunAgainstFakeBotAsync(ExpectingOutcome("transfer"), http.Address);

        Assert.True(exitCode == CallCommand.OutcomeUnknown, text);
        Assert.Contains("Outcome unknown:", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_HttpApiUnreachable_SaysSoAndExitsOutcomeUnknown()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var (exitCode, text) = await RunAgainstFakeBotAsync(ExpectingOutcome("transfer"), new Uri($"http://127.0.0.1:{port}/"));

        Assert.True(exitCode == CallCommand.OutcomeUnknown, text);
        Assert.Contains("cannot reach the bot's HTTP API", text, StringComparison.Ordinal);
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

        var result = root.Parse(["call", "--host", "10.0.0.1", "--port", "9019", "--scenario", "wrong-keys", "--rate", "16000", "--hang-up-after", "3.5", "--quiet", "--voice", "tone", "--call-id", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "--http", "http://127.0.0.1:18088/"]);

        Assert.Empty(result.Errors);
        Assert.Equal("10.0.0.1", result.GetValue<string>("--host"));
        Assert.Equal(9019, result.GetValue<int>("--port"));
        Assert.Equal(16000, result.GetValue<int?>("--rate"));
        Assert.Equal(new Uri("http://127.0.0.1:18088/"), result.GetValue<Uri>("--http"));
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

    private static string ExpectingOutcome(string outcome) => $$"""
        { "name": "short", "steps": [
          { "waitForPrompt": { "timeoutSeconds": 10, "silenceSeconds": 0.2 } },
          { "dtmf": "1" },
          { "waitForHangup": { "timeoutSeconds": 10 } } ],
          "expect": { "outcome": "{{outcome}}" } }
        """;

    private static async Task<(int ExitCode, string Output)> RunAgainstFakeBotAsync(string scenarioJson, Uri botHttp, Guid? callId = null)
    {
        var welcome = new PhraseAudio("welcome", "Bienvenue.", Tone.Noise(10 * 320, 1), 8000);
        var goodbye = new PhraseAudio("goodbye", "Au revoir.", Tone.Noise(6 * 320, 2), 8000);
        using var temp = new TempDirectory();
        var scenarioPath = temp.Write("s.json", scenarioJson);
        await using var server = FakeAudioSocketServer.Start();
        var bot = RunFakeBotAsync(server, welcome, goodbye);
        var (console, output) = TestConsole();

        var exitCode = await CallCommand.RunAsync(
            new CallSettings("127.0.0.1", server.Port, scenarioPath, callId, OutputPath: Path.Combine(temp.Path, "bot.wav"), BotHttp: botHttp),
            new FakeToneSynthesizer(),
            null,
            console,
            Token);
        await bot;
        return (exitCode, output.ToString());
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
