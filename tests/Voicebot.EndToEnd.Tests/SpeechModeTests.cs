using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Technicians;
using Voicebot.Cli.Calling;
using Voicebot.Grains.Phrases;
using Voicebot.Host;
using Voicebot.Providers.Espeak;
using Voicebot.Testing.Emulators.Deepgram;
using Voicebot.Testing.Emulators.OpenAI;
using Voicebot.Testing.Fakes;
using Voicebot.Testing.Network;
using Voicebot.Testing.Paths;

namespace Voicebot.EndToEnd.Tests;

/// <summary>
/// The product in speech mode: the real Deepgram client against the listen emulator (which "hears" the caller's lines
/// from a script tied to the speech bursts it receives), the real OpenAI-compatible client against the chat emulator
/// (which answers with tool calls). Callers speak espeak-ng audio. One instance per fixture or per test: the emulators'
/// state (script position, faults, counters) belongs to whoever started it.
/// </summary>
public sealed class SpeechHost : IAsyncDisposable
{
    private SpeechHost(DeepgramListenEmulator listen) => Listen = listen;

    public DeepgramListenEmulator Listen { get; }

    public OpenAIChatEmulator Chat { get; } = new(RuleBasedReplies.ToolCalls);

    public WebApplication App { get; private set; } = null!;

    public int AudioSocketPort { get; private set; }

    public SwitchableTechnicianAvailability Technicians { get; } = new();

    public string DataDirectory { get; } = RepositoryPaths.NewTemporaryDirectory("voicebot-speech");

    /// <summary>Starts the emulators, then the product wired to them.</summary>
    public static async Task<SpeechHost> StartAsync(DeepgramListenEmulator listen, CancellationToken cancellationToken)
    {
        var host = new SpeechHost(listen);
        try
        {
            await host.InitializeAsync(cancellationToken);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A host for one call of <paramref name="scenario"/>: the emulator hears the lines the scenario speaks, in order.
    /// Bursts are counted across sessions, so a session re-opened after a drop carries on where the lost one stopped.
    /// </summary>
    public static Task<SpeechHost> StartForAsync(CallScenario scenario, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var lines = scenario.Steps
            .Select(step => step.Say ?? step.SayAndHangUp?.Text)
            .OfType<string>()
            .ToArray();
        return StartAsync(new DeepgramListenEmulator { Script = lines, ScriptPerSession = false }, cancellationToken);
    }

    /// <summary>
    /// Plays <paramref name="scenario"/> as one caller and gathers both sides. <paramref name="meanwhile"/>, if any, runs
    /// alongside the caller (to inject a fault at the right moment) and is awaited before the call is judged.
    /// </summary>
    public async Task<SpeechRun> CallAsync(
        CallScenario scenario,
        CancellationToken cancellationToken,
        Guid? callId = null,
        Func<Guid, CancellationToken, Task>? meanwhile = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var id = callId ?? Guid.NewGuid();
        using var voice = new EspeakSpeechSynthesizer(Options.Create(new EspeakOptions { Pitch = 35 }), NullLogger<EspeakSpeechSynthesizer>.Instance);
        await using var caller = await SimulatedCaller.ConnectAsync("127.0.0.1", AudioSocketPort, new SimulatedCallerOptions { CallId = id }, cancellationToken);
        var sideline = meanwhile?.Invoke(id, cancellationToken) ?? Task.CompletedTask;
        var steps = new StepLog();
        var result = await new ScenarioRunner(voice).RunAsync(caller, scenario, steps, cancellationToken);
        await sideline;

        var grain = App.Services.GetRequiredService<IGrainFactory>().GetGrain<ICallGrain>(id);
        var snapshot = await grain.GetSnapshotAsync();
        for (var i = 0; i < 200 && snapshot.Outcome is null; i++)
        {
            await Task.Delay(50, cancellationToken);
            snapshot = await grain.GetSnapshotAsync();
        }

        Assert.NotNull(snapshot.Outcome);
        var phrases = await App.Services.GetRequiredService<PhraseStore>().GetAllAsync(caller.SampleRate, cancellationToken);
        var heard = new BotPhraseMatcher(phrases, caller.SampleRate).Match(caller.GetReceivedAudio());
        var run = new SpeechRun(id, scenario, result, caller.EndReason, snapshot.Outcome, snapshot.History, heard, steps.Lines);
        TestContext.Current.TestOutputHelper?.WriteLine(run.Describe());
        return run;
    }

    /// <summary>Polls the call's history until <paramref name="condition"/> holds (the test's own token bounds it).</summary>
    public async Task WaitForHistoryAsync(Guid callId, Func<IReadOnlyList<ConversationTurn>, bool> condition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var grain = App.Services.GetRequiredService<IGrainFactory>().GetGrain<ICallGrain>(callId);
        while (!condition((await grain.GetSnapshotAsync()).History))
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.StopAsync(CancellationToken.None);
            await App.DisposeAsync();
        }

        await Listen.DisposeAsync();
        await Chat.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await Listen.StartAsync(cancellationToken);
        await Chat.StartAsync(cancellationToken);
        var ports = LoopbackPorts.Take(4);
        AudioSocketPort = ports[0];
        App = VoicebotHost.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AudioSocket:Port"] = ports[0].ToString(CultureInfo.InvariantCulture),
                ["Http:Port"] = ports[1].ToString(CultureInfo.InvariantCulture),
                ["Orleans:SiloPort"] = ports[2].ToString(CultureInfo.InvariantCulture),
                ["Orleans:GatewayPort"] = ports[3].ToString(CultureInfo.InvariantCulture),
                ["Orleans:ClusterId"] = "voicebot-speech-" + Guid.NewGuid().ToString("N"),
                ["Calls:ClipDirectory"] = Path.Combine(DataDirectory, "clips"),
                ["Recordings:Directory"] = Path.Combine(DataDirectory, "recordings"),
                ["Records:SqlitePath"] = Path.Combine(DataDirectory, "calls.db"),
                ["Records:SpoolDirectory"] = Path.Combine(DataDirectory, "records-spool"),
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
        await App.StartAsync(cancellationToken);
    }

}

/// <summary>Everything observed about one spoken call: the caller's side, the bot's outcome and history, what was heard.</summary>
public sealed record SpeechRun(
    Guid CallId,
    CallScenario Scenario,
    ScenarioResult Result,
    CallEndReason? EndReason,
    CallOutcome Outcome,
    IReadOnlyList<ConversationTurn> History,
    IReadOnlyList<BotAudioSegment> Heard,
    IReadOnlyList<string> Steps)
{
    /// <summary>Phrase keys the grain queued, in order (its history).</summary>
    public IReadOnlyList<string> PhrasesQueued => History.Where(t => t.Kind == TurnKind.Phrase).Select(t => t.Content).ToArray();

    /// <summary>What each spoken answer was understood as, in order (<c>understood:llm:Internet</c>, <c>understood:rules:</c>…).</summary>
    public IReadOnlyList<string> Understood => History.Select(t => t.Content).Where(c => c.StartsWith("understood:", StringComparison.Ordinal)).ToArray();

    /// <summary>The scenario file's own expectations: outcome, exact states, and the phrases heard in order.</summary>
    public void AssertScenarioExpectations()
    {
        var expect = Scenario.Expect!;
        Assert.True(Result.Completed, Result.Failure + Environment.NewLine + Describe());
        Assert.True(
            Normalize(expect.Outcome!) == Normalize(Outcome.Outcome.ToString()) && expect.States!.SequenceEqual(Outcome.VisitedStates),
            $"Expected {expect.Outcome} through {string.Join(", ", expect.States!)}.{Environment.NewLine}{Describe()}");
        if (expect.FindPhraseMismatch(Heard.Select(h => h.PhraseKey ?? "?").ToArray()) is { } mismatch)
        {
            Assert.Fail(mismatch + Environment.NewLine + Describe());
        }
    }

    /// <summary>The call as the bot saw it, for failure messages.</summary>
    public string Describe() =>
        $"Outcome {Outcome.Outcome} ({Outcome.EndReason}) through {string.Join(", ", Outcome.VisitedStates)}; history: "
        + string.Join(" | ", History.Select(t => FormattableString.Invariant($"{(t.At - History[0].At).TotalSeconds:0.0} {t.Speaker}/{t.Kind}:{t.Content}")))
        + Environment.NewLine + "caller: " + string.Join(" | ", Steps)
        + Environment.NewLine + "heard: " + string.Join(" | ", Heard.Select(h => FormattableString.Invariant($"{h.Start.TotalSeconds:0.0}+{h.Duration.TotalSeconds:0.0} {h.PhraseKey ?? h.Kind.ToString()}")));

    /// <summary>The caller heard exactly the cached phrases the bot queued, in order, and nothing else.</summary>
    public void AssertHeardExactlyWhatTheBotQueued()
    {
        Assert.True(
            Heard.All(segment => segment.Kind == BotAudioSegmentKind.Phrase) && PhrasesQueued.SequenceEqual(Heard.Select(s => s.PhraseKey!)),
            "The caller did not hear exactly the phrases the bot queued." + Environment.NewLine + Describe());
    }

    private static string Normalize(string word) => word.Replace("-", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
}

/// <summary>The caller's steps with the time each started, for failure messages.</summary>
internal sealed class StepLog : IProgress<ScenarioProgress>
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public void Report(ScenarioProgress value) =>
        _lines.Enqueue(FormattableString.Invariant($"{value.At.TotalSeconds:0.0} {value.Step}"));
}

/// <summary>The shared host of <see cref="SpeechModeTests"/>, whose emulator plays one script per session.</summary>
public sealed class SpeechHostFixture : IAsyncLifetime
{
    public SpeechHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Host = await SpeechHost.StartAsync(
        new DeepgramListenEmulator
        {
            Script = ["Je m'appelle Jean Dupont", "zéro six douze trente-quatre cinquante-six soixante-dix-huit", "ma box internet ne marche plus", "oui ça marche maintenant"],
            ScriptPerSession = true,
        },
        TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}

// One class, run in order: the provider-failure test breaks the shared emulator on purpose.
public sealed class SpeechModeTests(SpeechHostFixture fixture) : IClassFixture<SpeechHostFixture>
{
    [Fact]
    public async Task SpeechCall_CallerAnswersAloud_ResolvesThroughSttAndToolCalls()
    {
        var ct = TestContext.Current.CancellationToken;
        var scenario = await CallScenarioLoader.LoadAsync("speech-internet-fixed", ct);

        var run = await fixture.Host.CallAsync(scenario, ct);

        Assert.True(run.Result.Completed, run.Result.Failure);
        Assert.Equal(CallOutcomeKind.Resolved, run.Outcome.Outcome);
        Assert.Equal("0612345678", run.Outcome.Slots["phone"]);
        Assert.Equal("internet", run.Outcome.Slots["problem"]);
        Assert.Equal(["WELCOME", "IDENTIFICATION_NAME", "IDENTIFICATION_PHONE", "DIAGNOSTIC", "SOLUTION_INTERNET", "VERIFICATION", "GOODBYE"], run.Outcome.VisitedStates);
        Assert.Contains(run.History, t => t.Content.StartsWith("understood:llm:", StringComparison.Ordinal));
        Assert.Contains(fixture.Host.Chat.Requests, r => r.Tools.Count > 0);
        Assert.True(fixture.Host.Listen.BurstsDetected >= 4);

        // The record times each spoken turn: the recognizer's final transcript and the model's first token.
        var record = await fixture.Host.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ICallGrain>(run.CallId).GetRecordAsync();
        var spoken = record!.Turns.Where(t => t.Input == "speech" && t.LlmFirstToken is not null).ToArray();
        Assert.NotEmpty(spoken);
        Assert.All(spoken, t => Assert.True(t.SttFinal is { } stt && stt >= TimeSpan.Zero && t.LlmFirstToken >= stt, $"turn {t.Turn}: stt {t.SttFinal}, llm {t.LlmFirstToken}"));

        // The answer is chosen once the model has spoken, and the first frame goes out after that.
        Assert.All(spoken, t => Assert.True(t.Answered >= t.LlmFirstToken && (t.FirstFrameOut is null || t.FirstFrameOut >= t.Answered), $"turn {t.Turn}: llm {t.LlmFirstToken}, answered {t.Answered}, first frame {t.FirstFrameOut}"));
    }

    [Fact]
    public async Task SpeechCall_RecognizerRefused_ExplainsAndFallsBackToTheKeypad()
    {
        var ct = TestContext.Current.CancellationToken;
        var scenario = await CallScenarioLoader.LoadAsync("internet-fixed", ct);
        fixture.Host.Listen.RefuseHandshake(503);
        try
        {
            var run = await fixture.Host.CallAsync(scenario, ct);

            Assert.True(run.Result.Completed, run.Result.Failure);
            Assert.Equal(CallOutcomeKind.Resolved, run.Outcome.Outcome);
            Assert.Contains(run.History, t => t.Content == "recognizer-failed");
            Assert.Contains(run.History, t => t.Kind == TurnKind.Phrase && t.Content == "stt_unavailable");
        }
        finally
        {
            fixture.Host.Listen.ClearFaults();
        }
    }

    [Fact]
    public async Task SpeechCall_SilentCaller_IsAskedIfThereThenHungUpOn()
    {
        var ct = TestContext.Current.CancellationToken;
        var scenario = await CallScenarioLoader.LoadAsync("silent-caller", ct);

        var run = await fixture.Host.CallAsync(scenario, ct);

        Assert.True(run.Result.Completed, run.Result.Failure);
        Assert.Equal(CallOutcomeKind.Abandoned, run.Outcome.Outcome);
        Assert.Equal("silence", run.Outcome.EndReason);
        Assert.Contains(run.History, t => t.Kind == TurnKind.Phrase && t.Content == "are_you_there");
        Assert.DoesNotContain(run.History, t => t.Speaker == Speaker.Caller && t.Kind == TurnKind.Text);
    }
}

// The spoken scenarios below each start their own host, so they run side by side (one class each) and every emulator
// counter and fault belongs to one call. Their emulators count bursts across sessions (ScriptPerSession = false): with
// one caller per emulator that is the caller's own script, and it survives a reconnect.

public sealed class MobileTransferSpeechModeTests
{
    [Fact]
    public async Task SpeechCall_MobileNotFixedTechnicianFree_Transfers()
    {
        var ct = TestContext.Current.CancellationToken;
        var scenario = await CallScenarioLoader.LoadAsync("speech-mobile-not-fixed-transfer", ct);
        await using var host = await SpeechHost.StartForAsync(scenario, ct);
        var callId = Guid.NewGuid();
        host.Technicians.Set(callId, available: true);

        var run = await host.CallAsync(scenario, ct, callId);

        run.AssertScenarioExpectations();
        Assert.Equal(CallOutcomeKind.Transfer, run.Outcome.Outcome);
        Assert.Equal("technician-available", run.Outcome.EndReason);
        Assert.Equal(CallEndReason.BotHungUp, run.EndReason);
        Assert.Equal("0698765432", run.Outcome.Slots["phone"]);
        Assert.Equal("mobile", run.Outcome.Slots["problem"]);
        Assert.Equal("available", run.Outcome.Slots["technician"]);
        Assert.Equal(3, run.Understood.Count);
        Assert.All(run.Understood, understood => Assert.StartsWith("understood:llm:", understood, StringComparison.Ordinal));
        Assert.Equal("transfer", run.PhrasesQueued[^1]);
        run.AssertHeardExactlyWhatTheBotQueued();
        Assert.Equal(4, host.Listen.BurstsDetected);
    }
}

public sealed class NoTechnicianSpeechModeTests
{
    [Fact]
    public async Task SpeechCall_MobileNotFixedNoTechnician_PromisesACallBack()
    {
        var ct = TestContext.Current.CancellationToken;
        var scenario = await CallScenarioLoader.LoadAsync("speech-mobile-not-fixed-no-technician", ct);
        await using var host = await SpeechHost.StartForAsync(scenario, ct);
        var callId = Guid.NewGuid();
        host.Technicians.Set(callId, available: false);

        var run = await host.CallAsync(scenario, ct, callId);

        run.AssertScenarioExpectations();
        Assert.Equal(CallOutcomeKind.NoTechnician, run.Outcome.Outcome);
        Assert.Equal("no-technician", run.Outcome.EndReason);
        Assert.Equal("busy", run.Outcome.Slots["technician"]);
        Assert.Equal("mobile", run.Outcome.Slots["problem"]);
        Assert.Equal("goodbye_callback", run.PhrasesQueued[^1]);
        run.AssertHeardExactlyWhatTheBotQueued();
        Assert.Equal(4, host.Listen.BurstsDetected);
    }
}

public sealed class WrongAnswersSpeechModeTests
{
    [Fact]
    public async Task SpeechCall_WrongAnswersThenRightOnes_RepromptsAndResolves()
    {
        var ct = TestContext.Current.CancellationToken;
        var scenario = await CallScenarioLoader.LoadAsync("speech-wrong-answers", ct);
        await using var host = await SpeechHost.StartForAsync(scenario, ct);

        var run = await host.CallAsync(scenario, ct);

        run.AssertScenarioExpectations();
        Assert.Equal(CallOutcomeKind.Resolved, run.Outcome.Outcome);
        Assert.Equal("0612345678", run.Outcome.Slots["phone"]);
        Assert.Equal("internet", run.Outcome.Slots["problem"]);
        Assert.Contains("phone_invalid", run.PhrasesQueued);
        Assert.Contains("problem_invalid", run.PhrasesQueued);
        // What each answer meant, whichever interpreter said it: nothing, the number (a slot, no intent), nothing, Internet, yes.
        Assert.Equal(["", "", "", "Internet", "Yes"], run.Understood.Select(u => u[(u.LastIndexOf(':') + 1)..]).ToArray());
        run.AssertHeardExactlyWhatTheBotQueued();
        Assert.Equal(6, host.Listen.BurstsDetected);
    }
}

public sealed class HangUpMidSentenceSpeechModeTests
{
    [Fact]
    public async Task SpeechCall_CallerHangsUpWhileSpeaking_AbandonedAndRecognizerClosed()
    {
        var ct = TestContext.Current.CancellationToken;
        var scenario = await CallScenarioLoader.LoadAsync("speech-hangup-mid-sentence", ct);
        await using var host = await SpeechHost.StartForAsync(scenario, ct);

        var run = await host.CallAsync(scenario, ct);
        using (var bound = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            bound.CancelAfter(TimeSpan.FromSeconds(30));   // a bound on a hang, not a timing assertion
            await host.Listen.WaitUntilAsync(listen => listen.ActiveSessions == 0, bound.Token);
        }

        run.AssertScenarioExpectations();
        Assert.Equal(CallEndReason.CallerHungUp, run.EndReason);
        Assert.Equal(CallOutcomeKind.Abandoned, run.Outcome.Outcome);
        Assert.Equal("caller-hung-up", run.Outcome.EndReason);
        Assert.Equal(3, host.Listen.BurstsDetected);
        Assert.Equal(1, host.Listen.Sessions);
        Assert.Equal(1, host.Listen.CloseStreamsReceived);
        Assert.Equal<int?>([1000], host.Listen.ClientCloseStatuses);
    }
}

public sealed class RecognizerReconnectSpeechModeTests
{
    [Fact]
    public async Task SpeechCall_DeepgramDropsAfterThePhoneNumber_ReconnectsAndKeepsUnderstanding()
    {
        var ct = TestContext.Current.CancellationToken;
        var scenario = await CallScenarioLoader.LoadAsync("speech-recognizer-reconnect", ct);
        await using var host = await SpeechHost.StartForAsync(scenario, ct);

        // The phone number is the first answer the recognizer is judged on: drop the socket while the bot reads it back.
        var run = await host.CallAsync(scenario, ct, meanwhile: async (callId, token) =>
        {
            await host.WaitForHistoryAsync(callId, history => history.Any(t => t.Content.StartsWith("understood:", StringComparison.Ordinal)), token);
            host.Listen.DropActiveSessions();
        });

        run.AssertScenarioExpectations();
        Assert.Equal(CallOutcomeKind.Resolved, run.Outcome.Outcome);
        Assert.Equal("0612345678", run.Outcome.Slots["phone"]);
        Assert.Equal("internet", run.Outcome.Slots["problem"]);
        Assert.Equal("yes", run.Outcome.Slots["fixed"]);
        Assert.Equal(2, host.Listen.Sessions);
        var contents = run.History.Select(t => t.Content).ToList();
        var reconnected = contents.IndexOf("recognizer-reconnected");
        Assert.True(reconnected >= 0, "no recognizer-reconnected turn");
        Assert.DoesNotContain("recognizer-failed", contents);
        Assert.Equal(2, contents.Skip(reconnected).Count(c => c.StartsWith("understood:llm:", StringComparison.Ordinal)));
        run.AssertHeardExactlyWhatTheBotQueued();
        Assert.Equal(4, host.Listen.BurstsDetected);
    }
}
