using Voicebot.Abstractions.Calls;

namespace Voicebot.Conversation.Tests;

public sealed class CallConversationTests
{
    private static readonly TimeSpan NameMax = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan NameSilence = TimeSpan.FromSeconds(2);

    private static readonly string[] ReadBack0612345678 =
    [
        "phone_confirm_intro", "digit_0", "digit_6", "digit_1", "digit_2", "digit_3", "digit_4", "digit_5", "digit_6", "digit_7", "digit_8",
    ];

    [Fact]
    public void Start_SavFlow_EntersWelcomeAndSaysIt()
    {
        var call = new CallConversation(TestAssets.Sav);

        var actions = call.Start();

        Assert.Equal([new EnterState("", "WELCOME"), new SayPhrases(["welcome"])], actions);
        Assert.Equal("WELCOME", call.CurrentState);
        Assert.Null(call.Expecting);
        Assert.False(call.IsEnded);
    }

    [Fact]
    public void Start_CalledTwice_Throws()
    {
        var call = new CallConversation(TestAssets.Sav);
        call.Start();

        Assert.Throws<InvalidOperationException>(() => call.Start());
    }

    [Fact]
    public void Constructor_NegativeMaxRetries_Throws()
    {
        var options = new ConversationOptions { MaxRetries = -1 };

        Assert.Throws<ArgumentOutOfRangeException>(() => new CallConversation(TestAssets.Sav, options));
    }

    [Fact]
    public void Events_BeforeStart_ReturnNothing()
    {
        var call = new CallConversation(TestAssets.Sav);

        var actions = new[]
        {
            call.OnPromptsPlayed(), call.OnDtmf('1'), call.OnUtterance("internet"), call.OnUnintelligibleSpeech(),
            call.OnRecordingCompleted("clip"), call.OnCheckResult("technician", true), call.OnSilence(SilenceLevel.Reprompt),
        };

        Assert.All(actions, Assert.Empty);
        Assert.Empty(call.VisitedStates);
        Assert.Equal("", call.CurrentState);
    }

    [Fact]
    public void OnPromptsPlayed_AfterWelcome_AsksNameAndStartsRecording()
    {
        var call = new CallConversation(TestAssets.Sav);
        call.Start();

        var actions = call.OnPromptsPlayed();

        Assert.Equal(
            [new EnterState("WELCOME", "IDENTIFICATION_NAME"), new SayPhrases(["ask_name"]), new StartRecording("name_clip", NameMax, NameSilence)],
            actions);
        Assert.Equal(ExpectedInput.Recording, call.Expecting);
    }

    [Fact]
    public void OnPromptsPlayed_InChoiceState_ReturnsNothing()
    {
        var call = AtDiagnostic();

        var actions = call.OnPromptsPlayed();

        Assert.Empty(actions);
        Assert.Equal("DIAGNOSTIC", call.CurrentState);
    }

    [Fact]
    public void InternetPath_FixedByKeypad_EndsResolved()
    {
        var call = new CallConversation(TestAssets.Sav);
        call.Start();
        call.OnPromptsPlayed();

        var afterName = call.OnRecordingCompleted("recordings/42/name.wav");
        var whileTyping = Type(call, "0612345678");
        var afterHash = call.OnDtmf('#');
        var afterChoice = call.OnDtmf('1');
        var afterSolution = call.OnPromptsPlayed();
        var afterYes = call.OnDtmf('1');

        Assert.Equal([new EnterState("IDENTIFICATION_NAME", "IDENTIFICATION_PHONE"), new SayPhrases(["ask_phone"])], afterName);
        Assert.Empty(whileTyping);
        Assert.Equal(
            [new SayPhrases(ReadBack0612345678), new EnterState("IDENTIFICATION_PHONE", "DIAGNOSTIC"), new SayPhrases(["ask_problem"])],
            afterHash);
        Assert.Equal([new EnterState("DIAGNOSTIC", "SOLUTION_INTERNET"), new SayPhrases(["solution_internet"])], afterChoice);
        Assert.Equal([new EnterState("SOLUTION_INTERNET", "VERIFICATION"), new SayPhrases(["ask_fixed"])], afterSolution);
        Assert.Equal(
            [new EnterState("VERIFICATION", "GOODBYE"), new SayPhrases(["goodbye_resolved"]), new EndCall(CallOutcomeKind.Resolved, "resolved")],
            afterYes);
        Assert.Equal(
            ["WELCOME", "IDENTIFICATION_NAME", "IDENTIFICATION_PHONE", "DIAGNOSTIC", "SOLUTION_INTERNET", "VERIFICATION", "GOODBYE"],
            call.VisitedStates);
        Assert.True(call.IsEnded);
        Assert.Equal(CallOutcomeKind.Resolved, call.Outcome);
        Assert.Equal("resolved", call.EndReason);
        Assert.Equal("recordings/42/name.wav", call.Slots["name_clip"]);
        Assert.Equal("0612345678", call.Slots["phone"]);
        Assert.Equal("internet", call.Slots["problem"]);
        Assert.Equal("yes", call.Slots["fixed"]);
    }

    [Fact]
    public void MobilePath_NotFixedAndTechnicianAvailable_EndsTransfer()
    {
        var call = AtDiagnostic();

        var afterProblem = call.OnUtterance("c'est mon portable, je capte plus rien");
        var afterSolution = call.OnPromptsPlayed();
        var afterNo = call.OnUtterance("non ça marche toujours pas");
        var afterCheck = call.OnCheckResult("technician", true);

        Assert.Equal([new EnterState("DIAGNOSTIC", "SOLUTION_MOBILE"), new SayPhrases(["solution_mobile"])], afterProblem);
        Assert.Equal([new EnterState("SOLUTION_MOBILE", "VERIFICATION"), new SayPhrases(["ask_fixed"])], afterSolution);
        Assert.Equal(
            [new EnterState("VERIFICATION", "CHECK_TECHNICIAN"), new SayPhrases(["checking_technician"]), new RunCheck("technician")],
            afterNo);
        Assert.Equal(
            [new EnterState("CHECK_TECHNICIAN", "TRANSFER"), new SayPhrases(["transfer"]), new EndCall(CallOutcomeKind.Transfer, "technician-available")],
            afterCheck);
        Assert.Equal(
            ["WELCOME", "IDENTIFICATION_NAME", "IDENTIFICATION_PHONE", "DIAGNOSTIC", "SOLUTION_MOBILE", "VERIFICATION", "CHECK_TECHNICIAN", "TRANSFER"],
            call.VisitedStates);
        Assert.Equal("mobile", call.Slots["problem"]);
        Assert.Equal("no", call.Slots["fixed"]);
        Assert.Equal("available", call.Slots["technician"]);
        Assert.Equal(CallOutcomeKind.Transfer, call.Outcome);
    }

    [Fact]
    public void NotFixed_TechnicianBusy_EndsNoTechnician()
    {
        var call = AtDiagnostic();
        call.OnDtmf('1');
        call.OnPromptsPlayed();
        call.OnDtmf('2');

        var actions = call.OnCheckResult("technician", false);

        Assert.Equal(
            [new EnterState("CHECK_TECHNICIAN", "GOODBYE_CALLBACK"), new SayPhrases(["goodbye_callback"]), new EndCall(CallOutcomeKind.NoTechnician, "no-technician")],
            actions);
        Assert.Equal("busy", call.Slots["technician"]);
        Assert.Equal(CallOutcomeKind.NoTechnician, call.Outcome);
        Assert.Equal("no-technician", call.EndReason);
    }

    [Fact]
    public void Diagnostic_WrongKeysThenRightOne_RepromptsThenContinues()
    {
        var call = AtDiagnostic();

        var first = call.OnDtmf('7');
        var second = call.OnDtmf('#');
        var third = call.OnDtmf('2');

        Assert.Equal([new SayPhrases(["problem_invalid", "ask_problem"])], first);
        Assert.Equal([new SayPhrases(["problem_invalid", "ask_problem"])], second);
        Assert.Equal([new EnterState("DIAGNOSTIC", "SOLUTION_MOBILE"), new SayPhrases(["solution_mobile"])], third);
        Assert.Equal("mobile", call.Slots["problem"]);
    }

    [Fact]
    public void Diagnostic_ThreeWrongAnswers_EntersErrorAndEnds()
    {
        var call = AtDiagnostic();
        call.OnDtmf('9');
        call.OnUtterance("euh je sais pas trop");

        var actions = call.OnUnintelligibleSpeech();

        Assert.Equal(
            [new EnterState("DIAGNOSTIC", "ERROR"), new SayPhrases(["not_understood", "error"]), new EndCall(CallOutcomeKind.Error, "not-understood")],
            actions);
        Assert.Equal("ERROR", call.VisitedStates[^1]);
        Assert.Equal(CallOutcomeKind.Error, call.Outcome);
        Assert.True(call.IsEnded);
    }

    [Fact]
    public void Diagnostic_MaxRetriesZero_FirstWrongAnswerEntersError()
    {
        var call = AtDiagnostic(new ConversationOptions { MaxRetries = 0 });

        var actions = call.OnDtmf('5');

        Assert.Equal(new EnterState("DIAGNOSTIC", "ERROR"), actions[0]);
        Assert.True(call.IsEnded);
    }

    [Fact]
    public void Retries_NewState_StartsWithFreshCount()
    {
        var call = AtDiagnostic();
        call.OnDtmf('9');
        call.OnDtmf('9');
        call.OnDtmf('1');
        call.OnPromptsPlayed();

        var first = call.OnDtmf('9');
        var second = call.OnDtmf('9');

        Assert.Equal([new SayPhrases(["fixed_invalid", "ask_fixed"])], first);
        Assert.Equal([new SayPhrases(["fixed_invalid", "ask_fixed"])], second);
        Assert.Equal("VERIFICATION", call.CurrentState);
    }

    [Fact]
    public void Silence_RepromptThenGiveUp_EndsAbandoned()
    {
        var call = AtDiagnostic();

        var reprompt = call.OnSilence(SilenceLevel.Reprompt);
        var giveUp = call.OnSilence(SilenceLevel.GiveUp);

        Assert.Equal([new SayPhrases(["are_you_there"])], reprompt);
        Assert.Equal([new SayPhrases(["goodbye_silence"]), new EndCall(CallOutcomeKind.Abandoned, "silence")], giveUp);
        Assert.Equal(CallOutcomeKind.Abandoned, call.Outcome);
        Assert.Equal("silence", call.EndReason);
        Assert.Equal("DIAGNOSTIC", call.CurrentState);
    }

    [Fact]
    public void Silence_Reprompts_DoNotCountAsRetries()
    {
        var call = AtDiagnostic();
        call.OnSilence(SilenceLevel.Reprompt);
        call.OnSilence(SilenceLevel.Reprompt);
        call.OnSilence(SilenceLevel.Reprompt);
        call.OnDtmf('0');
        call.OnDtmf('0');

        var actions = call.OnDtmf('1');

        Assert.Equal([new EnterState("DIAGNOSTIC", "SOLUTION_INTERNET"), new SayPhrases(["solution_internet"])], actions);
    }

    [Fact]
    public void MaxDuration_MidFlow_SaysGoodbyeAndEndsWithError()
    {
        var call = AtDiagnostic();

        var actions = call.OnMaxDuration();

        Assert.Equal([new SayPhrases(["goodbye_max_duration"]), new EndCall(CallOutcomeKind.Error, "max-duration")], actions);
        Assert.Equal(CallOutcomeKind.Error, call.Outcome);
        Assert.Equal("max-duration", call.EndReason);
    }

    [Fact]
    public void CallerHangup_MidFlow_EndsAbandonedWithoutPhrases()
    {
        var call = new CallConversation(TestAssets.Sav);
        call.Start();
        call.OnPromptsPlayed();

        var actions = call.OnCallerHangup();

        Assert.Equal([new EndCall(CallOutcomeKind.Abandoned, "caller-hung-up")], actions);
        Assert.Equal(CallOutcomeKind.Abandoned, call.Outcome);
        Assert.Equal(["WELCOME", "IDENTIFICATION_NAME"], call.VisitedStates);
        Assert.Null(call.Expecting);
    }

    [Fact]
    public void OnFailure_MidFlow_ApologisesAndEndsWithTheReason()
    {
        var call = AtDiagnostic();

        var actions = call.OnFailure("tts-unavailable");

        Assert.Equal([new SayPhrases(["error"]), new EndCall(CallOutcomeKind.Error, "tts-unavailable")], actions);
        Assert.Equal("tts-unavailable", call.EndReason);
    }

    [Fact]
    public void Events_AfterEnd_ReturnNothing()
    {
        var call = AtDiagnostic();
        call.OnCallerHangup();

        var actions = new[]
        {
            call.OnPromptsPlayed(), call.OnDtmf('1'), call.OnUtterance("internet"), call.OnUnintelligibleSpeech(),
            call.OnRecordingCompleted("clip"), call.OnCheckResult("technician", true), call.OnSilence(SilenceLevel.Reprompt),
            call.OnSilence(SilenceLevel.GiveUp), call.OnMaxDuration(), call.OnCallerHangup(), call.OnFailure("late"),
        };

        Assert.All(actions, Assert.Empty);
        Assert.Equal("caller-hung-up", call.EndReason);
        Assert.Equal("DIAGNOSTIC", call.CurrentState);
    }

    [Fact]
    public void Recording_NullClip_RepromptsAndRecordsAgain()
    {
        var call = new CallConversation(TestAssets.Sav);
        call.Start();
        call.OnPromptsPlayed();

        var actions = call.OnRecordingCompleted(null);

        Assert.Equal([new SayPhrases(["name_not_heard", "ask_name"]), new StartRecording("name_clip", NameMax, NameSilence)], actions);
        Assert.Equal("IDENTIFICATION_NAME", call.CurrentState);
        Assert.False(call.Slots.ContainsKey("name_clip"));
    }

    [Fact]
    public void Recording_NullClipThenClip_MovesOn()
    {
        var call = new CallConversation(TestAssets.Sav);
        call.Start();
        call.OnPromptsPlayed();
        call.OnRecordingCompleted(null);

        var actions = call.OnRecordingCompleted("clip-2");

        Assert.Equal([new EnterState("IDENTIFICATION_NAME", "IDENTIFICATION_PHONE"), new SayPhrases(["ask_phone"])], actions);
        Assert.Equal("clip-2", call.Slots["name_clip"]);
    }

    [Fact]
    public void Recording_ThreeEmptyClips_EntersError()
    {
        var call = new CallConversation(TestAssets.Sav);
        call.Start();
        call.OnPromptsPlayed();
        call.OnRecordingCompleted(null);
        call.OnRecordingCompleted("  ");

        var actions = call.OnRecordingCompleted(null);

        Assert.Equal(new EnterState("IDENTIFICATION_NAME", "ERROR"), actions[0]);
        Assert.Equal(CallOutcomeKind.Error, call.Outcome);
    }

    [Fact]
    public void Recording_TranscriptWithName_KeepsTheNameAndWaitsForTheClip()
    {
        var call = new CallConversation(TestAssets.Sav);
        call.Start();
        call.OnPromptsPlayed();

        var actions = call.OnUtterance("je m'appelle Jean Dupont");

        Assert.Empty(actions);
        Assert.Equal("Jean Dupont", call.Slots["name"]);
        Assert.Equal("IDENTIFICATION_NAME", call.CurrentState);
    }

    [Fact]
    public void Phone_InvalidNumber_RepromptsAndClearsDigits()
    {
        var call = AtPhone();
        Type(call, "1234");

        var actions = call.OnDtmf('#');

        Assert.Equal([new SayPhrases(["phone_invalid", "ask_phone"])], actions);
        Assert.Equal("", call.PendingDigits);
        Assert.Equal(ExpectedInput.PhoneNumber, call.Expecting);
    }

    [Fact]
    public void Phone_HashWithNoDigits_CountsAsAFailure()
    {
        var call = AtPhone();
        call.OnDtmf('#');
        call.OnDtmf('#');

        var actions = call.OnDtmf('#');

        Assert.Equal(new EnterState("IDENTIFICATION_PHONE", "ERROR"), actions[0]);
    }

    [Fact]
    public void Phone_StarClearsTheDigitsTyped()
    {
        var call = AtPhone();
        Type(call, "0699*");

        var actions = Type(call, "0612345678#");

        Assert.Equal(new SayPhrases(ReadBack0612345678), actions[0]);
        Assert.Equal("0612345678", call.Slots["phone"]);
    }

    [Fact]
    public void Phone_SilenceWithDigitsPending_SubmitsThem()
    {
        var call = AtPhone();
        Type(call, "0145678901");

        var actions = call.OnSilence(SilenceLevel.Reprompt);

        Assert.Equal(new EnterState("IDENTIFICATION_PHONE", "DIAGNOSTIC"), actions[1]);
        Assert.Equal("0145678901", call.Slots["phone"]);
    }

    [Fact]
    public void Phone_SilenceWithInvalidDigitsPending_RepromptsForTheNumber()
    {
        var call = AtPhone();
        Type(call, "06123");

        var actions = call.OnSilence(SilenceLevel.Reprompt);

        Assert.Equal([new SayPhrases(["phone_invalid", "ask_phone"])], actions);
    }

    [Fact]
    public void Phone_SilenceWithNothingTyped_AsksIfTheCallerIsThere()
    {
        var call = AtPhone();

        var actions = call.OnSilence(SilenceLevel.Reprompt);

        Assert.Equal([new SayPhrases(["are_you_there"])], actions);
    }

    [Fact]
    public void Phone_SpokenInWords_IsNormalisedAndReadBack()
    {
        var call = AtPhone();

        var actions = call.OnUtterance("c'est le zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit");

        Assert.Equal(
            [new SayPhrases(ReadBack0612345678), new EnterState("IDENTIFICATION_PHONE", "DIAGNOSTIC"), new SayPhrases(["ask_problem"])],
            actions);
        Assert.Equal("0612345678", call.Slots["phone"]);
    }

    [Fact]
    public void Phone_SpokenInPieces_WaitsThenAccepts()
    {
        var call = AtPhone();

        var first = call.OnUtterance("zéro six douze");
        var second = call.OnUtterance("trente-quatre cinquante-six soixante-dix-huit");

        Assert.Empty(first);
        Assert.Equal(new EnterState("IDENTIFICATION_PHONE", "DIAGNOSTIC"), second[1]);
        Assert.Equal("0612345678", call.Slots["phone"]);
    }

    [Fact]
    public void Phone_SpeechWithoutDigits_CountsAsAFailure()
    {
        var call = AtPhone();

        var actions = call.OnUtterance("attendez je cherche");

        Assert.Equal([new SayPhrases(["phone_invalid", "ask_phone"])], actions);
    }

    [Fact]
    public void Phone_InternationalFormSpoken_IsNormalised()
    {
        var call = AtPhone();

        call.OnUtterance("+33 6 12 34 56 78");

        Assert.Equal("0612345678", call.Slots["phone"]);
        Assert.Equal("DIAGNOSTIC", call.CurrentState);
    }

    [Theory]
    [InlineData("internet", "SOLUTION_INTERNET", "internet")]
    [InlineData("ma box ne s'allume plus", "SOLUTION_INTERNET", "internet")]
    [InlineData("le wifi", "SOLUTION_INTERNET", "internet")]
    [InlineData("un", "SOLUTION_INTERNET", "internet")]
    [InlineData("mon téléphone mobile", "SOLUTION_MOBILE", "mobile")]
    [InlineData("je capte pas", "SOLUTION_MOBILE", "mobile")]
    [InlineData("le deux", "SOLUTION_MOBILE", "mobile")]
    public void Diagnostic_Utterance_ChoosesTheMatchingOption(string transcript, string expectedState, string expectedProblem)
    {
        var call = AtDiagnostic();

        var actions = call.OnUtterance(transcript);

        Assert.Equal(new EnterState("DIAGNOSTIC", expectedState), actions[0]);
        Assert.Equal(expectedProblem, call.Slots["problem"]);
    }

    [Theory]
    [InlineData("oui ça marche", "GOODBYE")]
    [InlineData("c'est bon", "GOODBYE")]
    [InlineData("pas de souci, tout est revenu", "GOODBYE")]
    [InlineData("ça marche pas", "CHECK_TECHNICIAN")]
    [InlineData("non toujours pas", "CHECK_TECHNICIAN")]
    [InlineData("deux", "CHECK_TECHNICIAN")]
    public void Verification_Utterance_ChoosesYesOrNo(string transcript, string expectedState)
    {
        var call = AtVerification();

        var actions = call.OnUtterance(transcript);

        Assert.Equal(new EnterState("VERIFICATION", expectedState), actions[0]);
    }

    [Fact]
    public void Diagnostic_AmbiguousUtterance_CountsAsAFailure()
    {
        var call = AtDiagnostic();

        var actions = call.OnUtterance("peut-être");

        Assert.Equal([new SayPhrases(["problem_invalid", "ask_problem"])], actions);
    }

    [Fact]
    public void Diagnostic_HumanRequest_GoesToTheTechnicianCheck()
    {
        var call = AtDiagnostic();

        var actions = call.OnUtterance("je veux parler à un conseiller");

        Assert.Equal(
            [new EnterState("DIAGNOSTIC", "CHECK_TECHNICIAN"), new SayPhrases(["checking_technician"]), new RunCheck("technician")],
            actions);
    }

    [Fact]
    public void OnCheckResult_OtherCheck_IsIgnored()
    {
        var call = AtVerification();
        call.OnDtmf('2');

        var actions = call.OnCheckResult("billing", true);

        Assert.Empty(actions);
        Assert.Equal("CHECK_TECHNICIAN", call.CurrentState);
        Assert.Null(call.Expecting);
    }

    [Fact]
    public void OnDtmf_DuringWelcome_IsIgnored()
    {
        var call = new CallConversation(TestAssets.Sav);
        call.Start();

        var actions = call.OnDtmf('1');

        Assert.Empty(actions);
        Assert.Equal("WELCOME", call.CurrentState);
    }

    [Fact]
    public void Expecting_FollowsTheStateKind()
    {
        var call = new CallConversation(TestAssets.Sav);
        call.Start();
        var welcome = call.Expecting;
        call.OnPromptsPlayed();
        var name = call.Expecting;
        call.OnRecordingCompleted("clip");
        var phone = call.Expecting;
        Type(call, "0612345678#");
        var diagnostic = call.Expecting;

        Assert.Null(welcome);
        Assert.Equal(ExpectedInput.Recording, name);
        Assert.Equal(ExpectedInput.PhoneNumber, phone);
        Assert.Equal(ExpectedInput.Choice, diagnostic);
    }

    [Fact]
    public void MobileOnlyFlow_LoadedFromItsFile_RunsToTransferWithoutCodeChange()
    {
        var call = new CallConversation(TestAssets.MobileOnly);

        var start = call.Start();
        var afterWelcome = call.OnPromptsPlayed();
        var afterPhone = Type(call, "0798765432#");
        var afterSolution = call.OnPromptsPlayed();
        var afterNo = call.OnUtterance("non");
        var afterCheck = call.OnCheckResult("technician", true);

        Assert.Equal([new EnterState("", "WELCOME"), new SayPhrases(["welcome_mobile"])], start);
        Assert.Equal([new EnterState("WELCOME", "IDENTIFICATION_PHONE"), new SayPhrases(["ask_phone"])], afterWelcome);
        Assert.Equal(
            [new SayPhrases(["phone_confirm_intro"]), new EnterState("IDENTIFICATION_PHONE", "SOLUTION_MOBILE"), new SayPhrases(["solution_mobile"])],
            afterPhone);
        Assert.Equal([new EnterState("SOLUTION_MOBILE", "VERIFICATION"), new SayPhrases(["ask_fixed"])], afterSolution);
        Assert.Equal(
            [new EnterState("VERIFICATION", "CHECK_TECHNICIAN"), new SayPhrases(["checking_technician"]), new RunCheck("technician")],
            afterNo);
        Assert.Equal(
            [new EnterState("CHECK_TECHNICIAN", "TRANSFER"), new SayPhrases(["transfer"]), new EndCall(CallOutcomeKind.Transfer, "technician-available")],
            afterCheck);
        Assert.Equal(
            ["WELCOME", "IDENTIFICATION_PHONE", "SOLUTION_MOBILE", "VERIFICATION", "CHECK_TECHNICIAN", "TRANSFER"],
            call.VisitedStates);
    }

    [Fact]
    public void MobileOnlyFlow_WithoutRetryPrompts_RepeatsNotUnderstoodAndTheQuestion()
    {
        var call = new CallConversation(TestAssets.MobileOnly);
        call.Start();
        call.OnPromptsPlayed();
        Type(call, "0798765432#");
        call.OnPromptsPlayed();

        var actions = call.OnDtmf('5');

        Assert.Equal([new SayPhrases(["not_understood", "ask_fixed"])], actions);
    }

    [Fact]
    public void MobileOnlyFlow_HumanRequestWithoutTarget_CountsAsAFailure()
    {
        var call = new CallConversation(TestAssets.MobileOnly);
        call.Start();
        call.OnPromptsPlayed();
        Type(call, "0798765432#");
        call.OnPromptsPlayed();

        var actions = call.OnUtterance("passez-moi un humain");

        Assert.Equal([new SayPhrases(["not_understood", "ask_fixed"])], actions);
        Assert.Null(TestAssets.MobileOnly.HumanRequestState);
    }

    private static CallConversation AtPhone(ConversationOptions? options = null)
    {
        var call = new CallConversation(TestAssets.Sav, options);
        call.Start();
        call.OnPromptsPlayed();
        call.OnRecordingCompleted("clip");
        return call;
    }

    private static CallConversation AtDiagnostic(ConversationOptions? options = null)
    {
        var call = AtPhone(options);
        Type(call, "0612345678#");
        Assert.Equal("DIAGNOSTIC", call.CurrentState);
        return call;
    }

    private static CallConversation AtVerification()
    {
        var call = AtDiagnostic();
        call.OnDtmf('1');
        call.OnPromptsPlayed();
        Assert.Equal("VERIFICATION", call.CurrentState);
        return call;
    }

    private static List<ConversationAction> Type(CallConversation call, string keys)
    {
        var actions = new List<ConversationAction>();
        foreach (var key in keys)
        {
            actions.AddRange(call.OnDtmf(key));
        }

        return actions;
    }
}
