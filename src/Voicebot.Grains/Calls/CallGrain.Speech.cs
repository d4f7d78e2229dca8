using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Speech;
using Voicebot.Conversation;

namespace Voicebot.Grains.Calls;

/// <summary>The caller's words: interruptions, the recognizer's updates and the interpreters' answers.</summary>
public sealed partial class CallGrain
{
    private const string SpeechUnavailablePhrase = "stt_unavailable";

    /// <summary>
    /// The caller interrupted the bot: by the gateway's detector (which has already flushed the bot's audio) or by
    /// words. The bot stays quiet until the caller's turn ends: their words answer the question, or it is asked again.
    /// </summary>
    private Task BargeInAsync(bool byWords)
    {
        if (_ending.TransferPending)
        {
            _line?.Forget();
            return TransferAsync();
        }

        if (!BotTalking || _conversation is null || _conversation.IsEnded)
        {
            return Task.CompletedTask;
        }

        _line!.Forget();   // nothing queued will be reported as played
        NewTurn();         // the turn that was talking says nothing more, and stops synthesizing what nobody will hear
        _speech.CancelInterpretation();
        _floor.BargedIn(byWords);
        services.Metrics.BargedIn(byWords ? "words" : "gateway");
        OnCallerActivity();
        AddTurn(Speaker.Caller, TurnKind.Event, "barge-in");
        CallLog.BargeIn(logger, CallId, State);
        return Task.CompletedTask;
    }

    public async Task OnRecognitionAsync(int session, RecognitionUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (!_speech.IsCurrent(session) || _conversation is null || _conversation.IsEnded)
        {
            return;
        }

        switch (update.Kind)
        {
            case RecognitionUpdateKind.SpeechStarted:
                OnCallerActivity();
                _floor.SpeechStarted();
                break;

            case RecognitionUpdateKind.Transcript when update.Transcript.Length > 0:
                OnCallerActivity();
                _floor.CallerAnswered();
                _failures.Succeeded("recognizer");
                if (_floor.WordsInterrupt(update.Transcript, BotTalking))
                {
                    await _line!.FlushAsync();   // the second barge-in signal: the recognizer's words
                    await BargeInAsync(byWords: true);
                }

                if (update.IsFinal)
                {
                    _floor.Heard(update.Transcript);
                }

                if (update.SpeechFinal && services.Speech.EndOfTurn == "speech_final")
                {
                    await EndSpokenTurnAsync();
                }

                break;

            case RecognitionUpdateKind.UtteranceEnd:
                await EndSpokenTurnAsync();
                break;

            case RecognitionUpdateKind.Reconnected:
                AddTurn(Speaker.Bot, TurnKind.Event, "recognizer-reconnected");
                CallLog.RecognizerReconnected(logger, CallId, update.Detail ?? string.Empty);
                break;
        }
    }

    public async Task OnRecognizerFailedAsync(int session, string reason)
    {
        if (!_speech.IsCurrent(session))
        {
            return;
        }

        CallLog.RecognizerFailed(logger, CallId, reason);
        AddTurn(Speaker.Bot, TurnKind.Event, "recognizer-failed");
        await _speech.StopAsync();
        if (_conversation is null || _conversation.IsEnded || await CountFailureAsync("recognizer", reason))
        {
            return;
        }

        // Keypad menus from here on: say so, then ask the current question again.
        var prompts = _conversation.Expecting is not null ? CurrentPrompts() : [];
        await GuardAsync(() => SayPhrasesAsync([SpeechUnavailablePhrase, .. prompts], _turn.Token));
    }

    public async Task OnInterpretedAsync(InterpretedUtterance utterance)
    {
        ArgumentNullException.ThrowIfNull(utterance);
        if (_conversation is not { IsEnded: false } conversation || !_floor.EndInterpretation(utterance.Turn))
        {
            return;   // the caller spoke again, or the call ended: this answer is stale
        }

        AddTurn(Speaker.Caller, TurnKind.Event, $"understood:{utterance.Interpreter}:{string.Join('+', utterance.Intents)}");
        if (utterance.LlmFirstToken is { } firstToken && _interpretationStartedAt is { } interpretationStarted)
        {
            _timings.LlmFirstToken(interpretationStarted, firstToken);
        }

        if (utterance.Failure is not null)
        {
            CallLog.InterpreterFailed(logger, CallId, utterance.Failure);
            if (await CountFailureAsync("interpreter", utterance.Failure))
            {
                return;
            }
        }
        else if (utterance.Interpreter != "rules")
        {
            _failures.Succeeded("interpreter");
        }

        await RunAsync(() => conversation.OnUtterance(utterance.Transcript, UtteranceInterpreters.FromMessage(utterance)));
    }

    /// <summary>A spoken turn is over: hand the words to the interpreters, off the grain, and wait for their answer.</summary>
    private async Task EndSpokenTurnAsync()
    {
        var transcript = _floor.EndSpokenTurn();
        if (transcript.Length == 0 || _conversation is not { } conversation)
        {
            TurnEndedWithoutInput();
            return;
        }

        AddTurn(Speaker.Caller, TurnKind.Text, transcript);
        var now = _time.GetUtcNow();
        _timings.Input(State, "speech", transcript, _lastVoiceAt is { } voice && voice <= now ? voice : now, now);
        if (conversation.Expecting is ExpectedInput.Recording or null)
        {
            // A name said during the recording is kept as text too; in a state that asks nothing, words only resume it.
            await RunAsync(() => conversation.OnUtterance(transcript), afterInput: false);
            await ResumeAfterBargeInAsync();
            return;
        }

        var turn = _floor.BeginInterpretation();
        _interpretationStartedAt = now;
        _speech.Interpret(turn, transcript, TurnTaking.Context(CallId, conversation, services.Assets.Flow), this.AsReference<ICallSpeechTarget>());
    }

    /// <summary>After an interruption that answered nothing: ask the question again, or move on from a statement.</summary>
    private async Task ResumeAfterBargeInAsync()
    {
        if (_conversation is not { IsEnded: false } conversation || !_floor.TakeResume(BotTalking))
        {
            return;
        }

        TurnEndedWithoutInput();
        if (TurnTaking.ResumeRepeatsQuestion(conversation.Expecting) && services.Assets.Flow.States.ContainsKey(conversation.CurrentState))
        {
            await GuardAsync(() => SayPhrasesAsync(CurrentPrompts(), _turn.Token));
        }
        else
        {
            await GuardAsync(OnPromptsPlayedAsync);
        }
    }

    /// <summary>One more failure of a provider in a row; at the limit, apologise and end the call. Returns true when it ended.</summary>
    private async Task<bool> CountFailureAsync(string provider, string message)
    {
        if (!_failures.Failed(provider, message) || _conversation is not { } conversation)
        {
            return false;
        }

        await RunAsync(() => conversation.OnFailure("provider-failures"), afterInput: false);
        return true;
    }

    private IReadOnlyList<string> CurrentPrompts() =>
        services.Assets.Flow.States.TryGetValue(State, out var state) ? state.Prompts : [];
}
