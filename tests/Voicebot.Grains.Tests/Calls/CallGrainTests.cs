using Voicebot.Abstractions.Calls;

namespace Voicebot.Grains.Tests.Calls;

[Collection(VoicebotCluster.Name)]
public sealed class CallGrainTests(VoicebotClusterFixture fixture)
{
    private static readonly string[] PhoneReadBack =
        ["phone_confirm_intro", "digit_0", "digit_6", "digit_1", "digit_2", "digit_3", "digit_4", "digit_5", "digit_6", "digit_7", "digit_8"];

    [Fact]
    public async Task Call_InternetFixed_PlaysEveryPhraseInOrderAndResolves()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();

        await call.Sink.WaitForPhraseAsync("ask_name", ct);
        await call.SpeakAsync();
        await call.PressAsync("#");
        await call.Sink.WaitForPhraseAsync("ask_phone", ct);
        await call.PressAsync("0612345678#");
        await call.Sink.WaitForPhraseAsync("ask_problem", ct);
        await call.PressAsync("1");
        await call.Sink.WaitForPhraseAsync("ask_fixed", ct);
        await call.PressAsync("1");
        await call.Sink.WaitForHangUpAsync(ct);

        string[] expected = ["welcome", "ask_name", "ask_phone", .. PhoneReadBack, "ask_problem", "solution_internet", "ask_fixed", "goodbye_resolved"];
        Assert.Equal(expected, call.Sink.PhraseKeys);
        var outcome = await call.Grain.GetOutcomeAsync();
        Assert.NotNull(outcome);
        Assert.Equal(CallOutcomeKind.Resolved, outcome.Outcome);
        Assert.Equal(["WELCOME", "IDENTIFICATION_NAME", "IDENTIFICATION_PHONE", "DIAGNOSTIC", "SOLUTION_INTERNET", "VERIFICATION", "GOODBYE"], outcome.VisitedStates);
        Assert.Equal("0612345678", outcome.Slots["phone"]);
        Assert.Equal("internet", outcome.Slots["problem"]);
        Assert.True(File.Exists(outcome.Slots["name_clip"]), "the caller's name is kept as a WAV clip");
    }

    [Fact]
    public async Task Call_AsksTheGatewayForAudioNearTheVoice_WithMoreAroundItWhileTheNameIsRecorded()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();

        await call.Sink.WaitForPhraseAsync("ask_name", ct);
        await call.Sink.WaitForInboundAudioAsync(2, ct);   // near the voice from the start; the recording's once recording
        await call.SpeakAsync();
        await call.PressAsync("#");
        await call.Sink.WaitForInboundAudioAsync(3, ct);   // the name is in: the call's again

        var demands = call.Sink.InboundAudio;
        Assert.False(demands[0].Everything);
        Assert.True(demands[0].ThresholdDbfs <= -40);   // at or below the speech detector's threshold (Calls:SpeechThresholdDbfs)
        Assert.True(demands[0].Hangover >= TimeSpan.FromSeconds(1));   // the detector's end of speech (800 ms) after its minimum (200 ms)
        var recording = demands[1];
        Assert.False(recording.Everything);
        Assert.True(recording.ThresholdDbfs <= demands[0].ThresholdDbfs);
        Assert.True(recording.PreRoll >= TimeSpan.FromMilliseconds(300));   // a soft start of the name is kept
        Assert.True(recording.Hangover >= TimeSpan.FromSeconds(2));   // the recording's own end of speech (2 s in the flow) after the minimum
        Assert.Equal(demands[0], demands[2]);
    }

    [Fact]
    public async Task Recording_QuietKeptBackByTheGateway_IsSilenceInTheClipWhereItWas()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();
        await call.Sink.WaitForPhraseAsync("ask_name", ct);
        await WaitForListeningAsync(call, ct);

        await call.SendAudioAsync(TimeSpan.FromMilliseconds(200), speech: false);
        await call.SendSpeechAfterKeptBackAsync(keptBack: TimeSpan.FromSeconds(3), duration: TimeSpan.FromSeconds(1));
        await call.PressAsync("#");

        await call.Sink.WaitForPhraseAsync("ask_phone", ct);
        var outcome = await call.Grain.GetSnapshotAsync();
        var clip = outcome.History.Single(t => t.Kind == TurnKind.AudioClip).Content;
        var wav = Voicebot.Audio.WavFile.Read(clip);
        var rate = wav.SampleRate;
        var samples = new short[wav.SampleCount];
        Buffer.BlockCopy(wav.Pcm, 0, samples, 0, wav.Pcm.Length);

        // 0.2 s heard, 3 s kept back, 1 s of voice: the voice starts 3.2 s in, and nothing before it is loud.
        Assert.Equal((int)(4.2 * rate), samples.Length);
        var voiceStart = Array.FindIndex(samples, s => Math.Abs((int)s) > 1000);
        Assert.InRange(voiceStart, (int)(3.2 * rate), (int)(3.2 * rate) + 20);
    }

    [Fact]
    public async Task Call_MobileNotFixedTechnicianFree_Transfers()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();
        fixture.Technicians.Set(call.CallId, available: true);

        await call.WalkToVerificationAsync("2", ct);
        await call.PressAsync("2");
        await call.Sink.WaitForHangUpAsync(ct);

        AssertEndsWith(["solution_mobile", "ask_fixed", "checking_technician", "transfer"], call.Sink.PhraseKeys);
        var outcome = await call.Grain.GetOutcomeAsync();
        Assert.Equal(CallOutcomeKind.Transfer, outcome!.Outcome);
        Assert.Equal("mobile", outcome.Slots["problem"]);
        Assert.Contains("CHECK_TECHNICIAN", outcome.VisitedStates);
        Assert.Equal("TRANSFER", outcome.VisitedStates[^1]);
    }

    [Fact]
    public async Task Call_MobileNotFixedNoTechnician_PromisesCallBack()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();
        fixture.Technicians.Set(call.CallId, available: false);

        await call.WalkToVerificationAsync("2", ct);
        await call.PressAsync("2");
        await call.Sink.WaitForHangUpAsync(ct);

        AssertEndsWith(["checking_technician", "goodbye_callback"], call.Sink.PhraseKeys);
        var outcome = await call.Grain.GetOutcomeAsync();
        Assert.Equal(CallOutcomeKind.NoTechnician, outcome!.Outcome);
        Assert.Equal("GOODBYE_CALLBACK", outcome.VisitedStates[^1]);
    }

    [Fact]
    public async Task Call_WrongKeysThenRightOnes_RepromptsAndGoesOn()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();

        await call.Sink.WaitForPhraseAsync("ask_name", ct);
        await call.SpeakAsync();
        await call.PressAsync("#");
        await call.Sink.WaitForPhraseAsync("ask_phone", ct);
        await call.PressAsync("12#");
        await call.Sink.WaitForPhraseAsync("phone_invalid", ct);
        await call.Sink.WaitForPhraseAsync("ask_phone", ct, occurrence: 2);
        await call.PressAsync("0612345678#");
        await call.Sink.WaitForPhraseAsync("ask_problem", ct);
        await call.PressAsync("7");
        await call.Sink.WaitForPhraseAsync("problem_invalid", ct);
        await call.PressAsync("1");
        await call.Sink.WaitForPhraseAsync("solution_internet", ct);

        var snapshot = await call.Grain.GetSnapshotAsync();
        Assert.Equal("internet", snapshot.Slots["problem"]);
        Assert.Null(snapshot.Outcome);
    }

    [Fact]
    public async Task Call_NeverUnderstood_EndsOnTheErrorPath()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();
        await call.Sink.WaitForPhraseAsync("ask_name", ct);
        await call.SpeakAsync();
        await call.PressAsync("#");
        await call.Sink.WaitForPhraseAsync("ask_phone", ct);
        await call.PressAsync("0612345678#");
        await call.Sink.WaitForPhraseAsync("ask_problem", ct);

        await call.PressAsync("9");
        await call.Sink.WaitForPhraseAsync("problem_invalid", ct);
        await call.PressAsync("8");
        await call.Sink.WaitForPhraseAsync("problem_invalid", ct, occurrence: 2);
        await call.PressAsync("7");
        await call.Sink.WaitForHangUpAsync(ct);

        var outcome = await call.Grain.GetOutcomeAsync();
        Assert.Equal(CallOutcomeKind.Error, outcome!.Outcome);
        Assert.Equal("ERROR", outcome.VisitedStates[^1]);
        AssertEndsWith(["not_understood", "error"], call.Sink.PhraseKeys);
    }

    [Fact]
    public async Task Silence_AfterPrompt_AsksIfTheCallerIsThereThenHangsUp()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();
        await call.Sink.WaitForPhraseAsync("ask_name", ct);
        await call.SpeakAsync();
        await call.PressAsync("#");
        await call.Sink.WaitForPhraseAsync("ask_phone", ct);
        await WaitForListeningAsync(call, ct);

        fixture.Time.Advance(TimeSpan.FromSeconds(7.9));
        await call.SettleAsync();
        Assert.DoesNotContain("are_you_there", call.Sink.PhraseKeys);
        fixture.Time.Advance(TimeSpan.FromSeconds(0.2));
        await call.Sink.WaitForPhraseAsync("are_you_there", ct);
        Assert.False(call.Sink.IsHungUp);
        await WaitForListeningAsync(call, ct);   // the rest of the silence counts once « Allô ? » has been heard
        fixture.Time.Advance(TimeSpan.FromSeconds(6.9));
        await call.SettleAsync();
        Assert.False(call.Sink.IsHungUp);
        fixture.Time.Advance(TimeSpan.FromSeconds(0.2));
        await call.Sink.WaitForHangUpAsync(ct);

        AssertEndsWith(["are_you_there", "goodbye_silence"], call.Sink.PhraseKeys);
        var outcome = await call.Grain.GetOutcomeAsync();
        Assert.Equal(CallOutcomeKind.Abandoned, outcome!.Outcome);
        Assert.Equal("silence", outcome.EndReason);
    }

    [Fact]
    public async Task Silence_CallerTypesBeforeTimeout_RestartsTheTimer()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();
        await call.Sink.WaitForPhraseAsync("ask_name", ct);
        await call.SpeakAsync();
        await call.PressAsync("#");
        await call.Sink.WaitForPhraseAsync("ask_phone", ct);
        await WaitForListeningAsync(call, ct);

        fixture.Time.Advance(TimeSpan.FromSeconds(6));
        await call.PressAsync("06");
        await WaitForHistoryAsync(call, h => h.Count(t => t.Kind == TurnKind.Dtmf) >= 2, ct);
        await call.SettleAsync();
        fixture.Time.Advance(TimeSpan.FromSeconds(6));
        await call.SettleAsync();

        Assert.DoesNotContain("are_you_there", call.Sink.PhraseKeys);
    }

    [Fact]
    public async Task Silence_WhileTheCallerRestartsTheBox_WaitsLongerAtVerification()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();
        await call.WalkToVerificationAsync("1", ct);
        await WaitForListeningAsync(call, ct);

        fixture.Time.Advance(TimeSpan.FromSeconds(30));
        await call.SettleAsync();
        Assert.DoesNotContain("are_you_there", call.Sink.PhraseKeys);
        fixture.Time.Advance(TimeSpan.FromSeconds(15));
        await call.Sink.WaitForPhraseAsync("are_you_there", ct);
        await call.PressAsync("1");

        await call.Sink.WaitForHangUpAsync(ct);
        Assert.Equal(CallOutcomeKind.Resolved, (await call.Grain.GetOutcomeAsync())!.Outcome);
    }

    [Fact]
    public async Task MaxDuration_Reached_SaysGoodbyeAndEnds()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();
        await call.Sink.WaitForPhraseAsync("ask_name", ct);

        fixture.Time.Advance(TimeSpan.FromMinutes(10));
        await call.Sink.WaitForHangUpAsync(ct);

        Assert.Contains("goodbye_max_duration", call.Sink.PhraseKeys);
        var outcome = await call.Grain.GetOutcomeAsync();
        Assert.Equal("max-duration", outcome!.EndReason);
    }

    [Fact]
    public async Task HangUp_CallerLeavesMidFlow_EndsAbandonedWithoutPlaying()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();
        await call.Sink.WaitForPhraseAsync("ask_name", ct);
        var played = call.Sink.PhraseKeys.Count;

        await call.Grain.HangUpAsync(HangupReason.CallerHungUp);

        var outcome = await call.Grain.GetOutcomeAsync();
        Assert.Equal(CallOutcomeKind.Abandoned, outcome!.Outcome);
        Assert.Equal("caller-hung-up", outcome.EndReason);
        Assert.Equal(played, call.Sink.PhraseKeys.Count);
        Assert.False(call.Sink.IsHungUp, "the line is already gone: nothing is sent to it");
    }

    [Fact]
    public async Task Recording_NothingSaid_AsksIfThereAndRecordsAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();
        await call.Sink.WaitForPhraseAsync("ask_name", ct);
        await WaitForListeningAsync(call, ct);

        await call.SendAudioAsync(TimeSpan.FromSeconds(1), speech: false);
        fixture.Time.Advance(TimeSpan.FromSeconds(8.1));
        await call.Sink.WaitForPhraseAsync("are_you_there", ct);
        await WaitForListeningAsync(call, ct);
        await call.SpeakAsync();
        await call.PressAsync("#");

        await call.Sink.WaitForPhraseAsync("ask_phone", ct);
        var snapshot = await call.Grain.GetSnapshotAsync();
        Assert.True(snapshot.Slots.ContainsKey("name_clip"));
    }

    [Fact]
    public async Task Recording_KeyWithoutSpeech_SaysTheNameWasNotHeard()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();
        await call.Sink.WaitForPhraseAsync("ask_name", ct);
        await WaitForListeningAsync(call, ct);

        await call.SendAudioAsync(TimeSpan.FromSeconds(1), speech: false);
        await call.PressAsync("#");

        await call.Sink.WaitForPhraseAsync("name_not_heard", ct);
        await call.Sink.WaitForPhraseAsync("ask_name", ct, occurrence: 2);

        var history = (await call.Grain.GetSnapshotAsync()).History;
        Assert.Contains(history, t => t.Speaker == Speaker.Caller && t.Kind == TurnKind.AudioClip && t.Content == "(nothing said)");
        Assert.DoesNotContain(history, t => t.Content == "silence");   // a key was pressed: not a silent caller
    }

    [Fact]
    public async Task Recording_SilentTwice_GivesUpAsSilence()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();
        await call.Sink.WaitForPhraseAsync("ask_name", ct);
        await WaitForListeningAsync(call, ct);
        await call.SendAudioAsync(TimeSpan.FromSeconds(10.5), speech: false);
        fixture.Time.Advance(TimeSpan.FromSeconds(8.1));
        await call.Sink.WaitForPhraseAsync("are_you_there", ct);
        await WaitForListeningAsync(call, ct);

        await call.SendAudioAsync(TimeSpan.FromSeconds(10.5), speech: false);
        fixture.Time.Advance(TimeSpan.FromSeconds(7.1));
        await call.Sink.WaitForHangUpAsync(ct);

        AssertEndsWith(["are_you_there", "goodbye_silence"], call.Sink.PhraseKeys);
        var outcome = await call.Grain.GetOutcomeAsync();
        Assert.Equal(CallOutcomeKind.Abandoned, outcome!.Outcome);
        Assert.Equal("silence", outcome.EndReason);
    }

    [Fact]
    public async Task Recording_TrickleOfFrames_IsSilenceCountedOnTheClock()
    {
        // One valid frame now and then (a stuck or hostile client) is no voice: « Allô ? » 8 s after the prompt, goodbye
        // 15 s after it, as at every other step; the line is freed, not held until the call's maximum duration.
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();
        await call.Sink.WaitForPhraseAsync("ask_name", ct);
        await WaitForListeningAsync(call, ct);
        var listening = fixture.Time.GetUtcNow();

        await call.SendAudioAsync(TimeSpan.FromMilliseconds(20), speech: false);
        fixture.Time.Advance(TimeSpan.FromSeconds(7.9));
        await call.SendAudioAsync(TimeSpan.FromMilliseconds(20), speech: false);
        fixture.Time.Advance(TimeSpan.FromSeconds(0.2));
        await call.Sink.WaitForPhraseAsync("are_you_there", ct);
        await WaitForListeningAsync(call, ct);
        var repromptHeard = fixture.Time.GetUtcNow();

        await call.SendAudioAsync(TimeSpan.FromMilliseconds(20), speech: false);
        fixture.Time.Advance(TimeSpan.FromSeconds(6.9));
        await call.SendAudioAsync(TimeSpan.FromMilliseconds(20), speech: false);
        fixture.Time.Advance(TimeSpan.FromSeconds(0.2));
        await call.Sink.WaitForHangUpAsync(ct);

        AssertEndsWith(["are_you_there", "goodbye_silence"], call.Sink.PhraseKeys);
        var outcome = await call.Grain.GetOutcomeAsync();
        Assert.Equal(CallOutcomeKind.Abandoned, outcome!.Outcome);
        Assert.Equal("silence", outcome.EndReason);
        // Each timeout fell on the clock's second advance, not before it (the turns carry the call clock's time).
        var silences = (await call.Grain.GetSnapshotAsync()).History.Where(t => t.Content == "silence").Select(t => t.At).ToArray();
        Assert.Equal(2, silences.Length);
        Assert.True(silences[0] - listening >= TimeSpan.FromSeconds(8), $"« Allô ? » after {(silences[0] - listening).TotalSeconds} s");
        Assert.True(silences[1] - repromptHeard >= TimeSpan.FromSeconds(7), $"goodbye {(silences[1] - repromptHeard).TotalSeconds} s after « Allô ? »");
    }

    [Fact]
    public async Task Recording_VoiceThenNoMoreFrames_EndsAtItsLimitInTime()
    {
        // The caller starts speaking, then the frames stop coming: the recording still ends at its 10 s limit.
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();
        await call.Sink.WaitForPhraseAsync("ask_name", ct);
        await WaitForListeningAsync(call, ct);
        var listening = fixture.Time.GetUtcNow();

        await call.SendAudioAsync(TimeSpan.FromSeconds(1), speech: true);
        await WaitForCallerSpeakingAsync(call, ct);   // the voice is heard before the clock moves on
        fixture.Time.Advance(TimeSpan.FromSeconds(9.9));
        await call.SendAudioAsync(TimeSpan.FromMilliseconds(20), speech: true);
        fixture.Time.Advance(TimeSpan.FromSeconds(0.2));

        await call.Sink.WaitForPhraseAsync("ask_phone", ct);
        var clip = Assert.Single((await call.Grain.GetSnapshotAsync()).History, t => t.Kind == TurnKind.AudioClip);
        Assert.EndsWith(".wav", clip.Content, StringComparison.Ordinal);
        Assert.True(clip.At - listening >= TimeSpan.FromSeconds(10), $"recording ended after {(clip.At - listening).TotalSeconds} s");
    }

    [Fact]
    public async Task Recording_SpeechThenSilence_EndsWithoutAKey()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();
        await call.Sink.WaitForPhraseAsync("ask_name", ct);
        await WaitForListeningAsync(call, ct);

        await call.SpeakAsync(silenceAfter: TimeSpan.FromSeconds(2.2));

        await call.Sink.WaitForPhraseAsync("ask_phone", ct);
        var snapshot = await call.Grain.GetSnapshotAsync();
        Assert.Contains(snapshot.History, t => t.Kind == TurnKind.AudioClip && t.Content.EndsWith(".wav", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dtmf_DuringAPrompt_FlushesItAndAnswers()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync(autoFinish: false);
        await call.Sink.WaitForPhraseAsync("welcome", ct);

        await call.PressAsync("1");
        await call.Sink.WaitForPhraseAsync("ask_name", ct);

        Assert.Equal(1, call.Sink.Flushes);
    }

    private static void AssertEndsWith(string[] expected, IReadOnlyList<string> actual) =>
        Assert.Equal(expected, actual.Skip(Math.Max(0, actual.Count - expected.Length)).ToArray());

    /// <summary>The last prompt has been reported played and the grain has turned to listening.</summary>
    private static async Task WaitForListeningAsync(TestCall call, CancellationToken ct)
    {
        // Playback is reported asynchronously: wait until the grain has armed its silence timer on the fake clock.
        for (var i = 0; i < 400; i++)
        {
            if ((await call.Grain.GetSnapshotAsync()).WaitingForCaller)
            {
                return;
            }

            await Task.Delay(25, ct);
        }

        throw new TimeoutException("The call never started waiting for the caller.");
    }

    private static async Task WaitForCallerSpeakingAsync(TestCall call, CancellationToken ct)
    {
        while (!(await call.Grain.GetSnapshotAsync()).CallerSpeaking)
        {
            await Task.Delay(25, ct);
        }
    }

    private static async Task WaitForHistoryAsync(TestCall call, Func<IReadOnlyList<ConversationTurn>, bool> condition, CancellationToken ct)
    {
        for (var i = 0; i < 200; i++)
        {
            if (condition((await call.Grain.GetSnapshotAsync()).History))
            {
                return;
            }

            await Task.Delay(25, ct);
        }

        throw new TimeoutException("history condition not met");
    }
}
