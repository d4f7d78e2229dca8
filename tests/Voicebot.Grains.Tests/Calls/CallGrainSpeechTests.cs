using Microsoft.Extensions.DependencyInjection;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Speech;
using Voicebot.Conversation.Understanding;
using Voicebot.Testing.Fakes;

namespace Voicebot.Grains.Tests.Calls;

/// <summary>A cluster whose calls have a (scripted) recognizer and a (scripted) language model.</summary>
public sealed class SpeechClusterFixture : VoicebotClusterFixture
{
    public ScriptedSpeechRecognizer Recognizer { get; } = new();

    public ScriptedInterpreter Interpreter { get; } = new();

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<ISpeechRecognizer>(Recognizer);
        services.AddSingleton<IUtteranceInterpreter>(Interpreter);
    }
}

[CollectionDefinition(Name)]
public sealed class SpeechCluster : ICollectionFixture<SpeechClusterFixture>
{
    public const string Name = nameof(SpeechCluster);
}

[Collection(SpeechCluster.Name)]
public sealed class CallGrainSpeechTests(SpeechClusterFixture fixture)
{
    [Fact]
    public async Task Speech_WholeFlowInWords_ResolvesLikeTheKeypad()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();
        var heard = fixture.Recognizer;
        await call.Sink.WaitForPhraseAsync("ask_name", ct);
        await call.SpeakAsync(silenceAfter: TimeSpan.FromSeconds(2.2));
        heard.Hear(call.CallId, "je m'appelle Jean Dupont");

        await call.Sink.WaitForPhraseAsync("ask_phone", ct);
        heard.Hear(call.CallId, "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit");
        await call.Sink.WaitForPhraseAsync("ask_problem", ct);
        heard.Hear(call.CallId, "c'est ma box, internet ne marche plus");
        await call.Sink.WaitForPhraseAsync("ask_fixed", ct);
        heard.Hear(call.CallId, "oui c'est bon ça remarche");
        await call.Sink.WaitForHangUpAsync(ct);

        var outcome = await call.Grain.GetOutcomeAsync();
        Assert.Equal(CallOutcomeKind.Resolved, outcome!.Outcome);
        Assert.Equal("0612345678", outcome.Slots["phone"]);
        Assert.Equal("internet", outcome.Slots["problem"]);
        Assert.True(heard.FramesReceived(call.CallId) >= 150, "the recognizer heard the caller's audio");
        var history = (await call.Grain.GetSnapshotAsync()).History;
        Assert.Contains(history, t => t.Speaker == Speaker.Caller && t.Kind == TurnKind.Text && t.Content == "oui c'est bon ça remarche");
    }

    [Fact]
    public async Task Recognizer_HearsTheVoiceWithItsPreRollAndHangover_NotTheSilenceBetween()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();
        await call.Sink.WaitForPhraseAsync("ask_name", ct);

        await call.SendAudioAsync(TimeSpan.FromSeconds(4), speech: false);   // 200 frames: the caller thinks
        await call.SpeakAsync(silenceAfter: TimeSpan.FromSeconds(3));       // 50 frames of voice, 150 of pause
        await call.SendAudioAsync(TimeSpan.FromMilliseconds(200), speech: true);

        // Pre-roll 300 ms (15) + voice (50) + hangover 2 s (100); then the second burst's pre-roll (15) and voice (10).
        const int Expected = 15 + 50 + 100 + 15 + 10;
        while (fixture.Recognizer.FramesReceived(call.CallId) < Expected)
        {
            await Task.Delay(20, ct);
        }

        // A key goes on the call's stream after every frame: once the grain has handled it, every frame went through
        // the gate. The hang-up then closes the recognizer's input once it has taken everything the gate let through.
        await call.PressAsync("5");
        while (!(await call.Grain.GetSnapshotAsync()).History.Any(t => t.Kind == TurnKind.Dtmf && t.Content == "5"))
        {
            await Task.Delay(20, ct);
        }

        await call.Grain.HangUpAsync(HangupReason.CallerHungUp);
        Assert.Equal(Expected, fixture.Recognizer.FramesReceived(call.CallId));
    }

    [Fact]
    public async Task Silence_WhileTheBotAnswersALongReply_IsNotCounted()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await WalkToDiagnosticAsync(ct);

        await call.SpeakAsync(silenceAfter: TimeSpan.FromSeconds(1));   // the local detector hears the answer end
        call.Sink.AutoFinish = false;                                     // the reply is long: still playing
        fixture.Recognizer.Hear(call.CallId, "c'est ma box internet");
        await call.Sink.WaitForPhraseAsync("solution_internet", ct);
        fixture.Time.Advance(TimeSpan.FromSeconds(20));
        await call.SettleAsync();

        Assert.DoesNotContain("are_you_there", call.Sink.PhraseKeys);
        Assert.False(call.Sink.IsHungUp);
    }

    [Fact]
    public async Task LanguageModel_UnderstandsWhatTheRulesCannot_FillsTheSlot()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await WalkToDiagnosticAsync(ct);

        fixture.Recognizer.Hear(call.CallId, "c'est compliqué llm-mobile");

        await call.Sink.WaitForPhraseAsync("solution_mobile", ct);
        Assert.Equal("mobile", (await call.Grain.GetSnapshotAsync()).Slots["problem"]);
    }

    [Fact]
    public async Task LanguageModel_Fails_TheRulesAnswerAndTheCallGoesOn()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await WalkToDiagnosticAsync(ct);

        fixture.Recognizer.Hear(call.CallId, "llm-fail j'ai plus de réseau sur mon portable");

        await call.Sink.WaitForPhraseAsync("solution_mobile", ct);
        var history = (await call.Grain.GetSnapshotAsync()).History;
        Assert.Contains(history, t => t.Content.StartsWith("understood:rules:Mobile", StringComparison.Ordinal));
        Assert.Equal("mobile", (await call.Grain.GetSnapshotAsync()).Slots["problem"]);
    }

    [Fact]
    public async Task LanguageModel_FailsThreeTimesInARow_ApologisesAndEndsWithError()
    {
        var ct = TestContext.Current.CancellationToken;
        long counted = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == global::Voicebot.Grains.Calls.CallMetrics.MeterName && instrument.Name == "voicebot.provider.failures")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "provider" && (string?)tag.Value == "interpreter")
                {
                    Interlocked.Add(ref counted, value);
                }
            }
        });
        listener.Start();
        var call = await WalkToDiagnosticAsync(ct);

        fixture.Recognizer.Hear(call.CallId, "llm-fail euh");
        await call.Sink.WaitForPhraseAsync("problem_invalid", ct);
        fixture.Recognizer.Hear(call.CallId, "llm-fail bah");
        await call.Sink.WaitForPhraseAsync("problem_invalid", ct, occurrence: 2);
        fixture.Recognizer.Hear(call.CallId, "llm-fail hein");
        await call.Sink.WaitForHangUpAsync(ct);

        var outcome = await call.Grain.GetOutcomeAsync();
        Assert.Equal(CallOutcomeKind.Error, outcome!.Outcome);
        Assert.Equal("provider-failures", outcome.EndReason);
        Assert.Equal("error", call.Sink.PhraseKeys[^1]);
        Assert.True(Interlocked.Read(ref counted) >= 3, "each failure is counted on the Voicebot.Calls meter");
    }

    [Fact]
    public async Task Recognizer_Lost_SaysSoAndContinuesOnTheKeypad()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await WalkToDiagnosticAsync(ct);

        fixture.Recognizer.Fail(call.CallId);
        await call.Sink.WaitForPhraseAsync("stt_unavailable", ct);
        await call.Sink.WaitForPhraseAsync("ask_problem", ct, occurrence: 2);
        await call.PressAsync("1");

        await call.Sink.WaitForPhraseAsync("solution_internet", ct);
        Assert.Contains((await call.Grain.GetSnapshotAsync()).History, t => t.Content == "recognizer-failed");
    }

    [Fact]
    public async Task BargeIn_WordsWhileTheBotSpeaks_FlushAndTheAnswerIsTaken()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync(autoFinish: false);
        await call.Sink.WaitForPhraseAsync("welcome", ct);

        fixture.Recognizer.Send(call.CallId, new RecognitionUpdate(RecognitionUpdateKind.Transcript, "bonjour je voudrais", IsFinal: false));
        await WaitUntilAsync(() => call.Sink.Flushes > 0, ct);

        var history = (await call.Grain.GetSnapshotAsync()).History;
        Assert.Contains(history, t => t.Content == "barge-in");
        Assert.Equal(1, call.Sink.Flushes);
    }

    [Fact]
    public async Task BargeIn_FromTheGateway_BotStaysQuietThenResumesWhenTheCallerStops()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync(autoFinish: false);
        await call.Sink.WaitForPhraseAsync("welcome", ct);

        await call.Grain.OnBargeInAsync();
        fixture.Recognizer.Hear(call.CallId, "allô bonjour");

        await call.Sink.WaitForPhraseAsync("ask_name", ct);   // the welcome was cut; the flow moved on once the caller stopped
        Assert.Contains((await call.Grain.GetSnapshotAsync()).History, t => t.Content == "barge-in");
    }

    [Fact]
    public async Task BargeIn_SpeechStartedThenAWord_FlushesTheBot()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync(autoFinish: false);
        await call.Sink.WaitForPhraseAsync("welcome", ct);

        fixture.Recognizer.Send(call.CallId, new RecognitionUpdate(RecognitionUpdateKind.SpeechStarted));
        fixture.Recognizer.Send(call.CallId, new RecognitionUpdate(RecognitionUpdateKind.Transcript, "allô", IsFinal: false));
        await WaitUntilAsync(() => call.Sink.Flushes > 0, ct);

        Assert.Equal(1, call.Sink.Flushes);
    }

    [Fact]
    public async Task BargeIn_OneWordOfEcho_DoesNotCutTheBot()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync(autoFinish: false);
        await call.Sink.WaitForPhraseAsync("welcome", ct);

        var handled = fixture.Recognizer.UpdatesHandled(call.CallId);
        fixture.Recognizer.Send(call.CallId, new RecognitionUpdate(RecognitionUpdateKind.Transcript, "bienvenue", IsFinal: false));
        await WaitUntilAsync(() => fixture.Recognizer.UpdatesHandled(call.CallId) > handled, ct);   // the grain is done with the word

        Assert.Equal(0, call.Sink.Flushes);
    }

    private async Task<TestCall> WalkToDiagnosticAsync(CancellationToken ct)
    {
        var call = await fixture.StartCallAsync();
        await call.Sink.WaitForPhraseAsync("ask_name", ct);
        await call.SpeakAsync();
        await call.PressAsync("#");
        await call.Sink.WaitForPhraseAsync("ask_phone", ct);
        await call.PressAsync("0612345678#");
        await call.Sink.WaitForPhraseAsync("ask_problem", ct);
        return call;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken ct)
    {
        for (var i = 0; i < 400 && !condition(); i++)
        {
            await Task.Delay(25, ct);
        }

        Assert.True(condition());
    }
}
