using Voicebot.Abstractions.Calls;
using Voicebot.Conversation;

namespace Voicebot.Grains.Calls;

/// <summary>
/// Carries out what the conversation decides, in order: phrases and text on the line, the name recording, checks, the
/// end of the call; then listens for the caller. Each turn runs under a token that an interruption cancels (a barge-in:
/// the bot says nothing more of that turn; a hang-up: the rest of the turn is moot), checked before every action.
/// A failure ends the call politely, never the silo. Not thread-safe (the grain's, interleaved calls included).
/// </summary>
internal sealed class CallActions(CallParts parts, CallConversation conversation, CallPlayback line, CallStart start)
{
    private CancellationTokenSource _turn = new();

    public CallConversation Conversation => conversation;

    public CallPlayback Line => line;

    public CallStart Start => start;

    public string State => conversation.CurrentState;

    /// <summary>Interrupts the turn in flight (its token is cancelled, its synthesis stops); what follows is a new turn.</summary>
    public void Interrupt()
    {
        var interrupted = _turn;
        _turn = new CancellationTokenSource();
        interrupted.Cancel();   // not disposed: the interrupted turn may still be checking it
    }

    /// <summary>Runs one conversation event and carries out its actions; then listens if nothing is left to play.</summary>
    public Task RunAsync(Func<IReadOnlyList<ConversationAction>> step, bool afterInput = true) => GuardAsync(async () =>
    {
        await ApplyAsync(step());
        if (!line.IsTalking && afterInput)
        {
            await PromptsPlayedAsync();
        }
    });

    /// <summary>Everything queued has been heard: the conversation goes on (or waits for the caller).</summary>
    public async Task PromptsPlayedAsync()
    {
        if (conversation.IsEnded)
        {
            return;
        }

        await ApplyAsync(conversation.OnPromptsPlayed());
        if (!line.IsTalking)
        {
            await ListenAsync();
        }
    }

    /// <summary>The bot has said everything: start the pending recording, or wait for the caller with the silence timers.</summary>
    public async Task ListenAsync()
    {
        if (conversation.IsEnded || line.LineClosed)
        {
            return;
        }

        // Both limits of a recording run on the clock: a caller who sends a trickle of frames, or none, is silent all the same.
        if (parts.Name.TryOpen(start.SampleRate)
            || (conversation.Expecting is not null && !parts.Timers.CountingSilence && !parts.Voice.InSpeech))
        {
            CountSilence();
        }

        await AskForAudioAsync();
    }

    /// <summary>Carries out a turn's actions in order, under the current turn's token.</summary>
    public Task ApplyAsync(IReadOnlyList<ConversationAction> actions) => ApplyAsync(actions, _turn.Token);

    /// <summary>Says phrases as part of the current turn (a re-prompt, an announcement).</summary>
    public Task SayPhrasesAsync(IEnumerable<string> keys) => SayPhrasesAsync(keys, _turn.Token);

    /// <summary>Tells the gateway which caller frames to publish: those near the voice, a recording's included.</summary>
    public Task AskForAudioAsync() => line.AskForAudioAsync(parts.Name.Demand(parts.NearVoice));

    /// <summary>Hands the caller over to a technician now (the transfer was waiting for the bot to finish).</summary>
    public async Task TransferAsync()
    {
        if (await parts.Ending.TransferAsync(line))
        {
            AddTurn(Speaker.Bot, TurnKind.Event, "transferred");
        }
    }

    /// <summary>One more failure of a provider in a row; at the limit, apologise and end the call. Returns true when it ended.</summary>
    public async Task<bool> CountFailureAsync(string provider, string message)
    {
        if (!parts.Failures.Failed(provider, message))
        {
            return false;
        }

        await RunAsync(() => conversation.OnFailure("provider-failures"), afterInput: false);
        return true;
    }

    /// <summary>Starts counting the caller's silence: to « Allô ? », or after it to goodbye.</summary>
    public void CountSilence() =>
        parts.Timers.CountSilence(parts.Floor.NextSilence, parts.Floor.SilenceDue(parts.Services.Assets.Flow.States.GetValueOrDefault(State)));

    /// <summary>After an interruption that answered nothing: ask the question again, or move on from a statement.</summary>
    public async Task ResumeAfterBargeInAsync()
    {
        if (conversation.IsEnded || !parts.Floor.TakeResume(line.IsTalking))
        {
            return;
        }

        TurnEndedWithoutInput();
        if (TurnTaking.ResumeRepeatsQuestion(conversation.Expecting) && parts.Services.Assets.Flow.States.ContainsKey(State))
        {
            await GuardAsync(() => SayPhrasesAsync(CurrentPrompts()));
        }
        else
        {
            await GuardAsync(PromptsPlayedAsync);
        }
    }

    /// <summary>The caller did something (a key, speech): the silence count starts again from « Allô ? ».</summary>
    public void CallerActive()
    {
        parts.Floor.CallerActive();
        parts.Timers.CancelSilence();
    }

    /// <summary>The caller's turn ended with nothing usable: a barge-in before it was a false one, if any.</summary>
    public void TurnEndedWithoutInput()
    {
        if (parts.Floor.TurnEndedWithoutInput())
        {
            parts.Services.Metrics.FalseBargeIn();
        }
    }

    /// <summary>The prompts of the current state (to ask its question again).</summary>
    public IReadOnlyList<string> CurrentPrompts() =>
        parts.Services.Assets.Flow.States.TryGetValue(State, out var state) ? state.Prompts : [];

    public void AddTurn(Speaker speaker, TurnKind kind, string content) => parts.Record.Add(speaker, kind, content, State);

    /// <summary>One failing call must not take anything else down: log it, apologise if possible, end it.</summary>
    public async Task GuardAsync(Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            CallLog.Failed(parts.Logger, parts.CallId, ex.Message, ex);
            if (!conversation.IsEnded)
            {
                try
                {
                    await ApplyAsync(conversation.OnFailure("internal-error"));
                }
                catch (Exception inner) when (inner is not OperationCanceledException)
                {
                    CallLog.Failed(parts.Logger, parts.CallId, inner.Message, inner);
                }
            }
        }
    }

    private async Task ApplyAsync(IReadOnlyList<ConversationAction> actions, CancellationToken turn)
    {
        var lineWasClosed = line.LineClosed;
        foreach (var action in actions)
        {
            if (line.LineClosed && !lineWasClosed)
            {
                return;   // the caller hung up meanwhile (or the gateway is gone): the rest of this turn is moot
            }

            if (turn.IsCancellationRequested && action is SayPhrases or SayText)
            {
                continue;   // the caller barged in: the bot stays quiet until their turn ends
            }

            switch (action)
            {
                case EnterState enter:
                    CallLog.StateChanged(parts.Logger, parts.CallId, enter.From, enter.To);
                    AddTurn(Speaker.Bot, TurnKind.Event, "state:" + enter.To);
                    if (parts.Ending.Outcome is null)
                    {
                        parts.Services.Records?.Submit(parts.Record.Draft(conversation, start, parts.Timings.Turns));   // once per state change
                    }

                    break;

                case SayPhrases say:
                    await SayPhrasesAsync(say.PhraseKeys, turn);
                    break;

                case SayText text:
                    await SayTextAsync(text, turn);
                    break;

                case StartRecording record:
                    parts.Name.Pending = record;
                    break;

                case RunCheck check:
                    var available = await parts.Technicians.CheckAsync(parts.CallId, check.Check);
                    AddTurn(Speaker.Bot, TurnKind.Event, $"check:{check.Check}={(available ? "available" : "busy")}");
                    await ApplyAsync(conversation.OnCheckResult(check.Check, available), turn);
                    break;

                case EndCall end:
                    await EndAsync(end);
                    break;
            }
        }
    }

    private async Task SayPhrasesAsync(IEnumerable<string> keys, CancellationToken turn)
    {
        foreach (var key in keys)
        {
            if (turn.IsCancellationRequested)
            {
                return;
            }

            AddTurn(Speaker.Bot, TurnKind.Phrase, key);
            if (await line.PlayPhraseAsync(key, turn))
            {
                parts.Timers.CancelSilence();   // the bot is talking: silence is counted from when it stops
            }
        }
    }

    /// <summary>Says text that is no fixed phrase (the phone number read back), streamed as it is synthesized.</summary>
    private async Task SayTextAsync(SayText say, CancellationToken turn)
    {
        AddTurn(Speaker.Bot, TurnKind.Text, say.Text);
        if (line.LineClosed)
        {
            return;
        }

        parts.Timers.CancelSilence();
        var (result, failure) = await line.SpeakAsync(parts.VoiceForText, say, turn);
        if (result == SpeechResult.Spoken)
        {
            parts.Failures.Succeeded("synthesizer");
        }
        else if (result == SpeechResult.Failed)
        {
            await CountFailureAsync("synthesizer", failure!);
        }
    }

    private async Task EndAsync(EndCall end)
    {
        parts.Timers.Dispose();
        parts.Name.Close();
        parts.Ending.End(end, conversation, start);
        AddTurn(Speaker.Bot, TurnKind.Event, $"end:{end.Outcome}:{end.Reason}");
        if (await parts.Ending.CarryOutAsync(line))
        {
            AddTurn(Speaker.Bot, TurnKind.Event, "transferred");   // Asterisk moved the channel: the socket closes from its side
        }
    }
}
