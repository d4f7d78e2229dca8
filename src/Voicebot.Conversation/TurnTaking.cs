using System.Text;
using Voicebot.Conversation.Flows;
using Voicebot.Conversation.Understanding;

namespace Voicebot.Conversation;

/// <summary>
/// Who has the floor, decided without clocks or I/O: how long the caller may stay silent and what that silence leads
/// to, when the caller's words interrupt the bot, what follows an interruption that answered nothing, and which spoken
/// turn an interpretation belongs to. The call's host carries out the decisions (timers, flushes, replies). Not
/// thread-safe: one per call.
/// </summary>
public sealed class TurnTaking(TimeSpan silenceReprompt, TimeSpan silenceGiveUp)
{
    private readonly StringBuilder _heard = new();

    // Set by a barge-in the gateway's detector decided on (words are usable input already); cleared by the caller's
    // next words or key; still set when the turn ends with neither, which makes the barge-in a false one.
    private bool _bargeInAwaitingInput;

    /// <summary>What the caller's next silence leads to: « Allô ? » first, goodbye after it.</summary>
    public SilenceLevel NextSilence { get; private set; } = SilenceLevel.Reprompt;

    /// <summary>The caller interrupted the bot and has not said anything usable since.</summary>
    public bool ResumeAfterBargeIn { get; private set; }

    /// <summary>A spoken turn is with the interpreters: the caller is not silent, the answer restarts the count.</summary>
    public bool Interpreting { get; private set; }

    /// <summary>The recognizer heard a voice start (its SpeechStarted) in the turn being transcribed.</summary>
    public bool RecognizerHeardSpeech { get; private set; }

    /// <summary>The number of the latest spoken turn handed to the interpreters.</summary>
    public int Turn { get; private set; }

    /// <summary>
    /// How long to wait for the caller before <see cref="NextSilence"/>: the state's own timeouts when the flow sets
    /// them (e.g. while the caller restarts a box), else the call's; the goodbye counts from « Allô ? ».
    /// </summary>
    public TimeSpan SilenceDue(FlowState? state)
    {
        var (reprompt, giveUp) = state is { SilenceReprompt: { } r, SilenceGiveUp: { } g } ? (r, g) : (silenceReprompt, silenceGiveUp);
        return NextSilence == SilenceLevel.Reprompt ? reprompt : giveUp - reprompt;
    }

    /// <summary>The caller did something (a key, a voice): their silence is counted from « Allô ? » again.</summary>
    public void CallerActive() => NextSilence = SilenceLevel.Reprompt;

    /// <summary>
    /// The caller stayed silent until the timeout: returns what that silence leads to. After « Allô ? » the rest is
    /// counted towards goodbye (a reprompt silence also ends the caller's turn without input: see
    /// <see cref="TurnEndedWithoutInput"/>).
    /// </summary>
    public SilenceLevel CallerSilent()
    {
        var level = NextSilence;
        NextSilence = SilenceLevel.GiveUp;
        return level;
    }

    /// <summary>The recognizer heard a voice start.</summary>
    public void SpeechStarted() => RecognizerHeardSpeech = true;

    /// <summary>
    /// Whether the recognizer's words interrupt the bot while it talks: its SpeechStarted confirmed by one word, or two
    /// words. SpeechStarted alone also fires on the line echo of the bot's own voice and on noise; a lone word may be
    /// that echo transcribed.
    /// </summary>
    public bool WordsInterrupt(string transcript, bool botTalking)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var words = transcript.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return botTalking && words >= (RecognizerHeardSpeech ? 1 : 2);
    }

    /// <summary>The caller interrupted the bot, by the gateway's detector or by words: the bot stays quiet until their turn ends.</summary>
    public void BargedIn(bool byWords)
    {
        _bargeInAwaitingInput = !byWords;
        ResumeAfterBargeIn = true;
        Interpreting = false;
    }

    /// <summary>The caller gave input (words, a key): a barge-in before it was a true one.</summary>
    public void CallerAnswered() => _bargeInAwaitingInput = false;

    /// <summary>
    /// The caller's turn ended with nothing usable (silence, noise, words in a state that asks nothing). Returns true
    /// when that makes the barge-in before it a false one (noise or echo cut the bot off).
    /// </summary>
    public bool TurnEndedWithoutInput()
    {
        var falseBargeIn = _bargeInAwaitingInput;
        _bargeInAwaitingInput = false;
        return falseBargeIn;
    }

    /// <summary>
    /// After an interruption that answered nothing: whether the bot picks up again now. Returns false when there was no
    /// interruption to resume from, or the bot is talking anyway.
    /// </summary>
    public bool TakeResume(bool botTalking)
    {
        if (!ResumeAfterBargeIn || botTalking)
        {
            return false;
        }

        ResumeAfterBargeIn = false;
        return true;
    }

    /// <summary>What resuming means: asking the question again, or moving on from a statement.</summary>
    public static bool ResumeRepeatsQuestion(ExpectedInput? expecting) => expecting is ExpectedInput.Choice or ExpectedInput.PhoneNumber;

    /// <summary>
    /// The caller's noise ended (the call's own detector). With a recognizer, its end of turn decides, so the bot only
    /// listens on (unless it is waiting for an interrupted turn or an interpretation). Without one: resume after an
    /// interruption in a state that asks nothing, « not understood » in a state that asks something (the bot quiet),
    /// else listen on.
    /// </summary>
    public AfterVoice OnVoiceEnded(bool recognizerListening, bool botTalking, ExpectedInput? expecting)
    {
        if (recognizerListening)
        {
            return ResumeAfterBargeIn || Interpreting ? AfterVoice.Wait : AfterVoice.Listen;
        }

        if (ResumeAfterBargeIn && expecting is null)
        {
            return AfterVoice.Resume;
        }

        if (!botTalking && expecting is not null)
        {
            ResumeAfterBargeIn = false;   // the re-prompt after « not understood » answers the interruption too
            return AfterVoice.NotUnderstood;
        }

        return AfterVoice.Listen;
    }

    /// <summary>A final segment of the caller's words: part of the turn's transcript.</summary>
    public void Heard(string segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        _heard.Append(_heard.Length > 0 ? " " : string.Empty).Append(segment);
    }

    /// <summary>The recognizer ended the caller's turn: returns what they said (possibly nothing) and starts a new one.</summary>
    public string EndSpokenTurn()
    {
        var transcript = _heard.ToString().Trim();
        _heard.Clear();
        RecognizerHeardSpeech = false;
        return transcript;
    }

    /// <summary>A spoken turn goes to the interpreters: returns its number, which a late answer is checked against.</summary>
    public int BeginInterpretation()
    {
        ResumeAfterBargeIn = false;
        Interpreting = true;
        return ++Turn;
    }

    /// <summary>Whether an interpretation answers the latest spoken turn (a newer one makes it stale); if so, it is over.</summary>
    public bool EndInterpretation(int turn)
    {
        if (turn != Turn)
        {
            return false;
        }

        Interpreting = false;
        return true;
    }

    /// <summary>The interpretation in flight is abandoned (an interruption, the end of the call).</summary>
    public void AbandonInterpretation() => Interpreting = false;

    /// <summary>What the interpreters are told about the question being asked.</summary>
    public static InterpretationContext Context(Guid callId, CallConversation conversation, FlowDefinition flow)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(flow);
        var intents = flow.States.TryGetValue(conversation.CurrentState, out var state)
            ? state.Options.Where(o => o.Intent is not null).Select(o => o.Intent!.Value).ToArray()
            : [];
        return new InterpretationContext(
            callId, conversation.CurrentState, conversation.Expecting, intents, new Dictionary<string, string>(conversation.Slots), flow.Language);
    }
}

/// <summary>What follows the end of the caller's noise (<see cref="TurnTaking.OnVoiceEnded"/>).</summary>
public enum AfterVoice
{
    /// <summary>Nothing yet: an interrupted turn or an interpretation is pending.</summary>
    Wait,

    /// <summary>Listen on: count the caller's silence.</summary>
    Listen,

    /// <summary>Pick up after an interruption that answered nothing.</summary>
    Resume,

    /// <summary>Speech where keys were expected and nothing can transcribe it: say so and ask again.</summary>
    NotUnderstood,
}
