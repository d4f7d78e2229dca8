using Voicebot.Conversation.Flows;
using Voicebot.Conversation.Understanding;

namespace Voicebot.Conversation.Tests;

public sealed class TurnTakingTests
{
    private static readonly TimeSpan Reprompt = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(false, false, AfterVoice.Listen)]
    [InlineData(true, false, AfterVoice.Wait)]
    [InlineData(false, true, AfterVoice.Wait)]
    public void OnVoiceEnded_WithARecognizer_ListensUnlessATurnIsPending(bool bargedIn, bool interpreting, AfterVoice expected)
    {
        var turns = new TurnTaking(Reprompt, GiveUp);
        if (interpreting)
        {
            turns.BeginInterpretation();
        }

        if (bargedIn)
        {
            turns.BargedIn(byWords: false);
        }

        Assert.Equal(expected, turns.OnVoiceEnded(recognizerListening: true, botTalking: false, ExpectedInput.Choice));
    }

    [Fact]
    public void OnVoiceEnded_KeypadOnlyAfterABargeInWhereNothingIsAsked_Resumes()
    {
        var turns = new TurnTaking(Reprompt, GiveUp);
        turns.BargedIn(byWords: false);

        Assert.Equal(AfterVoice.Resume, turns.OnVoiceEnded(recognizerListening: false, botTalking: false, expecting: null));
        Assert.True(turns.ResumeAfterBargeIn);   // taken by the resume itself
    }

    [Fact]
    public void OnVoiceEnded_KeypadOnlyWhereKeysAreExpected_IsNotUnderstoodAndAnswersTheBargeIn()
    {
        var turns = new TurnTaking(Reprompt, GiveUp);
        turns.BargedIn(byWords: false);

        Assert.Equal(AfterVoice.NotUnderstood, turns.OnVoiceEnded(recognizerListening: false, botTalking: false, ExpectedInput.Choice));
        Assert.False(turns.ResumeAfterBargeIn);
    }

    [Fact]
    public void OnVoiceEnded_KeypadOnlyWhileTheBotTalks_ListensOn()
    {
        var turns = new TurnTaking(Reprompt, GiveUp);

        Assert.Equal(AfterVoice.Listen, turns.OnVoiceEnded(recognizerListening: false, botTalking: true, ExpectedInput.Choice));
        Assert.Equal(AfterVoice.Listen, turns.OnVoiceEnded(recognizerListening: false, botTalking: false, expecting: null));
    }

    [Fact]
    public void CallerSilent_Twice_RepromptsThenGivesUp()
    {
        var turns = NewTurnTaking();

        var first = turns.CallerSilent();
        var second = turns.CallerSilent();
        var third = turns.CallerSilent();

        Assert.Equal(SilenceLevel.Reprompt, first);
        Assert.Equal(SilenceLevel.GiveUp, second);
        Assert.Equal(SilenceLevel.GiveUp, third);
    }

    [Fact]
    public void CallerActive_AfterReprompt_CountsFromRepromptAgain()
    {
        var turns = NewTurnTaking();
        turns.CallerSilent();

        turns.CallerActive();

        Assert.Equal(SilenceLevel.Reprompt, turns.NextSilence);
        Assert.Equal(SilenceLevel.Reprompt, turns.CallerSilent());
    }

    [Fact]
    public void SilenceDue_NoState_IsTheCallsRepromptThenTheRestUntilGoodbye()
    {
        var turns = NewTurnTaking();

        var beforeReprompt = turns.SilenceDue(null);
        turns.CallerSilent();
        var beforeGoodbye = turns.SilenceDue(null);

        Assert.Equal(Reprompt, beforeReprompt);
        Assert.Equal(GiveUp - Reprompt, beforeGoodbye);
    }

    [Fact]
    public void SilenceDue_StateWithBothTimeouts_UsesTheStates()
    {
        var turns = NewTurnTaking();
        var state = NewState(TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(90));

        var beforeReprompt = turns.SilenceDue(state);
        turns.CallerSilent();
        var beforeGoodbye = turns.SilenceDue(state);

        Assert.Equal(TimeSpan.FromSeconds(45), beforeReprompt);
        Assert.Equal(TimeSpan.FromSeconds(45), beforeGoodbye);
    }

    [Fact]
    public void SilenceDue_StateWithoutTimeouts_UsesTheCalls()
    {
        var turns = NewTurnTaking();

        var due = turns.SilenceDue(NewState(null, null));

        Assert.Equal(Reprompt, due);
    }

    [Fact]
    public void SilenceDue_StateWithOnlyOneTimeout_UsesTheCalls()
    {
        var turns = NewTurnTaking();
        var repromptOnly = NewState(TimeSpan.FromSeconds(45), null);
        var giveUpOnly = NewState(null, TimeSpan.FromSeconds(90));

        var withRepromptOnly = turns.SilenceDue(repromptOnly);
        turns.CallerSilent();
        var withGiveUpOnly = turns.SilenceDue(giveUpOnly);

        Assert.Equal(Reprompt, withRepromptOnly);
        Assert.Equal(GiveUp - Reprompt, withGiveUpOnly);
    }

    [Fact]
    public void WordsInterrupt_BotNotTalking_IsFalse()
    {
        var turns = NewTurnTaking();
        turns.SpeechStarted();

        var interrupts = turns.WordsInterrupt("non attendez", botTalking: false);

        Assert.False(interrupts);
    }

    [Fact]
    public void WordsInterrupt_TwoWords_IsTrue()
    {
        var turns = NewTurnTaking();

        var interrupts = turns.WordsInterrupt("  non   attendez ", botTalking: true);

        Assert.True(interrupts);
    }

    [Fact]
    public void WordsInterrupt_OneWord_OnlyAfterSpeechStarted()
    {
        var turns = NewTurnTaking();

        var before = turns.WordsInterrupt("non", botTalking: true);
        turns.SpeechStarted();
        var after = turns.WordsInterrupt("non", botTalking: true);

        Assert.False(before);
        Assert.True(after);
        Assert.True(turns.RecognizerHeardSpeech);
    }

    [Fact]
    public void WordsInterrupt_NoWords_IsFalseEvenAfterSpeechStarted()
    {
        var turns = NewTurnTaking();
        turns.SpeechStarted();

        var interrupts = turns.WordsInterrupt("   ", botTalking: true);

        Assert.False(interrupts);
    }

    [Fact]
    public void EndSpokenTurn_AfterSpeechStarted_OneWordNoLongerInterrupts()
    {
        var turns = NewTurnTaking();
        turns.SpeechStarted();

        turns.EndSpokenTurn();

        Assert.False(turns.RecognizerHeardSpeech);
        Assert.False(turns.WordsInterrupt("non", botTalking: true));
    }

    [Fact]
    public void TurnEndedWithoutInput_AfterGatewayBargeIn_IsAFalseBargeInOnce()
    {
        var turns = NewTurnTaking();
        turns.BargedIn(byWords: false);

        var first = turns.TurnEndedWithoutInput();
        var second = turns.TurnEndedWithoutInput();

        Assert.True(first);
        Assert.False(second);
    }

    [Fact]
    public void TurnEndedWithoutInput_AfterBargeInByWords_IsFalse()
    {
        var turns = NewTurnTaking();
        turns.BargedIn(byWords: true);

        var falseBargeIn = turns.TurnEndedWithoutInput();

        Assert.False(falseBargeIn);
    }

    [Fact]
    public void TurnEndedWithoutInput_CallerAnsweredAfterGatewayBargeIn_IsFalse()
    {
        var turns = NewTurnTaking();
        turns.BargedIn(byWords: false);

        turns.CallerAnswered();

        Assert.False(turns.TurnEndedWithoutInput());
    }

    [Fact]
    public void TurnEndedWithoutInput_NoBargeIn_IsFalse()
    {
        var turns = NewTurnTaking();

        var falseBargeIn = turns.TurnEndedWithoutInput();

        Assert.False(falseBargeIn);
    }

    [Fact]
    public void BargedIn_WhileInterpreting_SetsResumeAndAbandonsTheInterpretation()
    {
        var turns = NewTurnTaking();
        turns.BeginInterpretation();

        turns.BargedIn(byWords: true);

        Assert.True(turns.ResumeAfterBargeIn);
        Assert.False(turns.Interpreting);
    }

    [Fact]
    public void TakeResume_WithoutBargeIn_IsFalse()
    {
        var turns = NewTurnTaking();

        var resume = turns.TakeResume(botTalking: false);

        Assert.False(resume);
    }

    [Fact]
    public void TakeResume_WhileBotTalking_IsFalseAndKeepsTheResume()
    {
        var turns = NewTurnTaking();
        turns.BargedIn(byWords: false);

        var resume = turns.TakeResume(botTalking: true);

        Assert.False(resume);
        Assert.True(turns.ResumeAfterBargeIn);
    }

    [Fact]
    public void TakeResume_AfterBargeIn_IsTrueOnce()
    {
        var turns = NewTurnTaking();
        turns.BargedIn(byWords: false);

        var first = turns.TakeResume(botTalking: false);
        var second = turns.TakeResume(botTalking: false);

        Assert.True(first);
        Assert.False(second);
        Assert.False(turns.ResumeAfterBargeIn);
    }

    [Fact]
    public void EndSpokenTurn_FinalSegments_JoinedWithOneSpaceAndTrimmed()
    {
        var turns = NewTurnTaking();
        turns.Heard(" c'est ma box");
        turns.Heard("qui clignote ");

        var transcript = turns.EndSpokenTurn();

        Assert.Equal("c'est ma box qui clignote", transcript);
    }

    [Fact]
    public void EndSpokenTurn_Twice_SecondTurnIsEmpty()
    {
        var turns = NewTurnTaking();
        turns.Heard("internet");
        turns.EndSpokenTurn();

        var next = turns.EndSpokenTurn();

        Assert.Equal(string.Empty, next);
    }

    [Fact]
    public void EndSpokenTurn_NothingHeard_IsEmpty()
    {
        var turns = NewTurnTaking();

        var transcript = turns.EndSpokenTurn();

        Assert.Equal(string.Empty, transcript);
    }

    [Fact]
    public void EndSpokenTurn_AfterAnEndedTurn_StartsAFreshTranscript()
    {
        var turns = NewTurnTaking();
        turns.Heard("oui");
        turns.EndSpokenTurn();
        turns.Heard("non");

        var transcript = turns.EndSpokenTurn();

        Assert.Equal("non", transcript);
    }

    [Fact]
    public void BeginInterpretation_AfterBargeIn_NumbersTheTurnAndClearsTheResume()
    {
        var turns = NewTurnTaking();
        turns.BargedIn(byWords: false);

        var first = turns.BeginInterpretation();
        var second = turns.BeginInterpretation();

        Assert.Equal(1, first);
        Assert.Equal(2, second);
        Assert.Equal(2, turns.Turn);
        Assert.True(turns.Interpreting);
        Assert.False(turns.ResumeAfterBargeIn);
    }

    [Fact]
    public void EndInterpretation_StaleTurn_IsFalseAndStillInterpreting()
    {
        var turns = NewTurnTaking();
        var stale = turns.BeginInterpretation();
        turns.BeginInterpretation();

        var ended = turns.EndInterpretation(stale);

        Assert.False(ended);
        Assert.True(turns.Interpreting);
    }

    [Fact]
    public void EndInterpretation_CurrentTurn_IsTrueAndNoLongerInterpreting()
    {
        var turns = NewTurnTaking();
        var turn = turns.BeginInterpretation();

        var ended = turns.EndInterpretation(turn);

        Assert.True(ended);
        Assert.False(turns.Interpreting);
    }

    [Fact]
    public void AbandonInterpretation_WhileInterpreting_NoLongerInterpreting()
    {
        var turns = NewTurnTaking();
        turns.BeginInterpretation();

        turns.AbandonInterpretation();

        Assert.False(turns.Interpreting);
    }

    [Theory]
    [InlineData(ExpectedInput.Choice, true)]
    [InlineData(ExpectedInput.PhoneNumber, true)]
    [InlineData(ExpectedInput.Recording, false)]
    [InlineData(null, false)]
    public void ResumeRepeatsQuestion_ByExpectedInput_RepeatsOnlyAQuestion(ExpectedInput? expecting, bool repeats)
    {
        var repeatsQuestion = TurnTaking.ResumeRepeatsQuestion(expecting);

        Assert.Equal(repeats, repeatsQuestion);
    }

    [Fact]
    public void Context_InChoiceState_HasTheStatesIntentsSlotsAndLanguage()
    {
        var callId = Guid.NewGuid();
        var call = AtDiagnostic();

        var context = TurnTaking.Context(callId, call, TestAssets.Sav);

        Assert.Equal(callId, context.CallId);
        Assert.Equal("DIAGNOSTIC", context.State);
        Assert.Equal(ExpectedInput.Choice, context.Expecting);
        Assert.Equal([Intent.Internet, Intent.Mobile], context.Intents);
        Assert.Equal("0612345678", context.Slots["phone"]);
        Assert.Equal(call.Slots.Count, context.Slots.Count);
        Assert.Equal(TestAssets.Sav.Language, context.Language);
        Assert.Equal("fr", context.Language);
    }

    [Fact]
    public void Context_StateWithoutOptions_HasNoIntents()
    {
        var call = new CallConversation(TestAssets.Sav);
        call.Start();
        call.OnPromptsPlayed();
        call.OnRecordingCompleted("clip");

        var context = TurnTaking.Context(Guid.NewGuid(), call, TestAssets.Sav);

        Assert.Equal("IDENTIFICATION_PHONE", context.State);
        Assert.Equal(ExpectedInput.PhoneNumber, context.Expecting);
        Assert.Empty(context.Intents);
        Assert.Equal("clip", context.Slots["name_clip"]);
    }

    [Fact]
    public void Context_Slots_AreACopyOfTheConversations()
    {
        var call = AtDiagnostic();
        var context = TurnTaking.Context(Guid.NewGuid(), call, TestAssets.Sav);

        call.OnDtmf('1');

        Assert.True(call.Slots.ContainsKey("problem"));
        Assert.False(context.Slots.ContainsKey("problem"));
    }

    private static TurnTaking NewTurnTaking() => new(Reprompt, GiveUp);

    private static FlowState NewState(TimeSpan? silenceReprompt, TimeSpan? silenceGiveUp) =>
        new() { Name = "X", Kind = FlowStateKind.None, SilenceReprompt = silenceReprompt, SilenceGiveUp = silenceGiveUp };

    private static CallConversation AtDiagnostic()
    {
        var call = new CallConversation(TestAssets.Sav);
        call.Start();
        call.OnPromptsPlayed();
        call.OnRecordingCompleted("clip");
        foreach (var key in "0612345678#")
        {
            call.OnDtmf(key);
        }

        Assert.Equal("DIAGNOSTIC", call.CurrentState);
        return call;
    }
}
