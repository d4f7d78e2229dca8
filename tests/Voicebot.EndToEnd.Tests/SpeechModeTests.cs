using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Technicians;
using Voicebot.Cli.Calling;
using Voicebot.Conversation.Understanding;
using Voicebot.Host;
using Voicebot.Testing.Emulators.Deepgram;
using Voicebot.Testing.Emulators.OpenAI;
using Voicebot.Testing.Fakes;
using Voicebot.Testing.Paths;

namespace Voicebot.EndToEnd.Tests;

/// <summary>
/// The product in speech mode: the real Deepgram client against the listen emulator (which "hears" the caller's lines
/// from a script tied to the speech bursts it receives), the real OpenAI-compatible client against the chat emulator
/// (which answers with tool calls). Callers speak espeak-ng audio.
/// </summary>
public sealed class SpeechHostFixture : IAsyncLifetime
{
    public DeepgramListenEmulator Listen { get; } = new()
    {
        Script = ["Je m'appelle Jean Dupont", "zéro six douze trente-quatre cinquante-six soixante-dix-huit", "ma box internet ne marche plus", "oui ça marche maintenant"],
        ScriptPerSession = true,
    };

    public OpenAIChatEmulator Chat { get; } = new(ToolCallsFromRules);

    public WebApplication App { get; private set; } = null!;

    public int AudioSocketPort { get; private set; }

    public HttpClient Http { get; } = new();

    public SwitchableTechnicianAvailability Technicians { get; } = new();

    public string DataDirectory { get; } = RepositoryPaths.NewTemporaryDirectory("voicebot-speech");

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await Listen.StartAsync(ct);
        await Chat.StartAsync(ct);
        var ports = FreePorts(4);
        AudioSocketPort = ports[0];
        Http.BaseAddress = new Uri($"http://127.0.0.1:{ports[1]}");
        App = VoicebotHost.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AudioSocket:Port"] = ports[0].ToString(CultureInfo.InvariantCulture),
                ["Http:Port"] = ports[1].ToString(CultureInfo.InvariantCulture),
                ["Orleans:SiloPort"] = ports[2].ToString(CultureInfo.InvariantCulture),
                ["Orleans:GatewayPort"] = ports[3].ToString(CultureInfo.InvariantCulture),
                ["Orleans:ClusterId"] = "voicebot-speech",
                ["Calls:ClipDirectory"] = Path.Combine(DataDirectory, "clips"),
                ["Speech:Recognizer"] = "deepgram",
                ["Deepgram:BaseUrl"] = Listen.BaseUrl.ToString().TrimEnd('/'),
                ["Deepgram:ApiKey"] = DeepgramListenEmulator.DefaultApiKey,
                ["Llm:Enabled"] = "true",
                ["Llm:Endpoint"] = Chat.BaseUrl,
                ["Llm:ApiKey"] = "llm-test-key",
                ["Llm:FirstTokenTimeout"] = "00:00:02",
                ["Llm:Timeout"] = "00:00:04",
                ["Speech:InterpretationTimeout"] = "00:00:05",
                ["Serilog:MinimumLevel:Default"] = "Warning",
            });
            builder.Services.AddSingleton<ITechnicianAvailability>(Technicians);
        });
        await App.StartAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        await Listen.DisposeAsync();
        await Chat.DisposeAsync();
        Http.Dispose();
    }

    /// <summary>The emulated model understands like the rules do, but answers the OpenAI way: with tool calls.</summary>
    private static EmulatedReply ToolCallsFromRules(ChatRequest request)
    {
        var meaning = FrenchUnderstanding.Interpret(request.UserText ?? string.Empty);
        var calls = new List<EmulatedToolCall>();
        if (meaning.PhoneNumber is { } phone)
        {
            calls.Add(EmulatedToolCall.Of("set_phone_number", new { digits = phone }));
        }

        foreach (var intent in meaning.Intents)
        {
            calls.Add(intent switch
            {
                Intent.Internet => EmulatedToolCall.Of("set_problem_kind", new { kind = "internet" }),
                Intent.Mobile => EmulatedToolCall.Of("set_problem_kind", new { kind = "mobile" }),
                Intent.Yes => EmulatedToolCall.Of("set_fixed", new { @fixed = true }),
                Intent.No => EmulatedToolCall.Of("set_fixed", new { @fixed = false }),
                _ => EmulatedToolCall.Of("request_human"),
            });
        }

        return calls.Count > 0 ? EmulatedReply.Calls([.. calls]) : EmulatedReply.Call("not_understood");
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }
}

// One class, run in order: the provider-failure test breaks the shared emulator on purpose.
public sealed class SpeechModeTests(SpeechHostFixture fixture) : IClassFixture<SpeechHostFixture>
{
    [Fact]
    public async Task SpeechCall_CallerAnswersAloud_ResolvesThroughSttAndToolCalls()
    {
        var ct = TestContext.Current.CancellationToken;

        var run = await RunAsync("speech-internet-fixed", ct);

        Assert.True(run.Result.Completed, run.Result.Failure);
        Assert.Equal(CallOutcomeKind.Resolved, run.Outcome.Outcome);
        Assert.Equal("0612345678", run.Outcome.Slots["phone"]);
        Assert.Equal("internet", run.Outcome.Slots["problem"]);
        Assert.Equal(["WELCOME", "IDENTIFICATION_NAME", "IDENTIFICATION_PHONE", "DIAGNOSTIC", "SOLUTION_INTERNET", "VERIFICATION", "GOODBYE"], run.Outcome.VisitedStates);
        Assert.Contains(run.History, t => t.Content.StartsWith("understood:llm:", StringComparison.Ordinal));
        Assert.Contains(fixture.Chat.Requests, r => r.Tools.Count > 0);
        Assert.True(fixture.Listen.BurstsDetected >= 4);
    }

    [Fact]
    public async Task SpeechCall_RecognizerRefused_ExplainsAndFallsBackToTheKeypad()
    {
        var ct = TestContext.Current.CancellationToken;
        fixture.Listen.RefuseHandshake(503);
        try
        {
            var run = await RunAsync("internet-fixed", ct);

            Assert.True(run.Result.Completed, run.Result.Failure);
            Assert.Equal(CallOutcomeKind.Resolved, run.Outcome.Outcome);
            Assert.Contains(run.History, t => t.Content == "recognizer-failed");
            Assert.Contains(run.History, t => t.Kind == TurnKind.Phrase && t.Content == "stt_unavailable");
        }
        finally
        {
            fixture.Listen.ClearFaults();
        }
    }

    private async Task<(ScenarioResult Result, CallOutcome Outcome, IReadOnlyList<ConversationTurn> History)> RunAsync(string scenarioName, CancellationToken ct)
    {
        var scenario = await CallScenarioLoader.LoadAsync(scenarioName, ct);
        using var voice = new Providers.Espeak.EspeakSpeechSynthesizer(
            Microsoft.Extensions.Options.Options.Create(new Providers.Espeak.EspeakOptions { Pitch = 35 }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Providers.Espeak.EspeakSpeechSynthesizer>.Instance);
        var callId = Guid.NewGuid();
        await using var caller = await SimulatedCaller.ConnectAsync("127.0.0.1", fixture.AudioSocketPort, new SimulatedCallerOptions { CallId = callId }, ct);
        var result = await new ScenarioRunner(voice).RunAsync(caller, scenario, progress: null, ct);
        var grain = fixture.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ICallGrain>(callId);
        CallSnapshot snapshot = await grain.GetSnapshotAsync();
        for (var i = 0; i < 100 && snapshot.Outcome is null; i++)
        {
            await Task.Delay(50, ct);
            snapshot = await grain.GetSnapshotAsync();
        }

        Assert.NotNull(snapshot.Outcome);
        return (result, snapshot.Outcome, snapshot.History);
    }
}
