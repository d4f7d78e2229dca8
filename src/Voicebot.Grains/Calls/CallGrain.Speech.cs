using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Speech;
using Voicebot.Conversation;

namespace Voicebot.Grains.Calls;

/// <summary>The caller's words: interruptions, the recognizer's updates and the interpreters' answers.</summary>
public sealed partial class CallGrain
{
    private const string SpeechUnavailablePhrase = "stt_unavailable";

    private DateTimeOffset? _interpretationStartedAt;

    /// <summary>
    /// The caller interrupted the bot: by the gateway's detector (which has already flushed the bot's audio) or by
    /// words. The bot stays quiet until the caller's turn ends: their words answer the question, or it is asked again.
    /// </summary>
    private Task BargeInAsync(bool byWords)
    {
        if (_parts.Ending.TransferPending)
        {
            _call?.Line.Forget();
            return _call?.TransferAsync() ?? Task.CompletedTask;
        }

        if (!BotTalking || !InCall)
        {
            return Task.CompletedTask;
        }

        var call = _call!;
        call.Line.Forget();   // nothing queued will be reported as played
        call.Interrupt();     // the turn that was talking says nothing more, and stops synthesizing what nobody will hear
        _parts.Speech.CancelInterpretation();
        _parts.Floor.BargedIn(byWords);
        services.Metrics.BargedIn(byWords ? "words" : "gateway");
        call.CallerActive();
        call.AddTurn(Speaker.Caller, TurnKind.Event, "barge-in");
        CallLog.BargeIn(logger, CallId, State);
        return Task.CompletedTask;
    }

    public async Task OnRecognitionAsync(int session, RecognitionUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (!_parts.Speech.IsCurrent(session) || !InCall)
        {
            return;
        }

        var call = _call!;
        switch (update.Kind)
        {
            case RecognitionUpdateKind.SpeechStarted:
                call.CallerActive();
                _parts.Floor.SpeechStarted();
                break;

            case RecognitionUpdateKind.Transcript when update.Transcript.Length > 0:
                call.CallerActive();
                _parts.Floor.CallerAnswered();
                _parts.Failures.Succeeded("recognizer");
                if (_parts.Floor.WordsInterrupt(update.Transcript, BotTalking))
                {
                    await call.Line.FlushAsync();   // the second barge-in signal: the recognizer's words
                    await BargeInAsync(byWords: true);
                }

                if (update.IsFinal)
                {
                    _parts.Floor.Heard(update.Transcript);
                }

                if (update.SpeechFinal && services.Speech.EndOfTurn == "speech_final")
                {
                    await EndSpokenTurnAsync(call);
                }

                break;

            case RecognitionUpdateKind.UtteranceEnd:
                await EndSpokenTurnAsync(call);
                break;

            case RecognitionUpdateKind.Reconnected:
                call.AddTurn(Speaker.Bot, TurnKind.Event, "recognizer-reconnected");
                CallLog.RecognizerReconnected(logger, CallId, update.Detail ?? string.Empty);
                break;
        }
    }

    public async Task OnRecognizerFailedAsync(int session, string reason)
    {
        if (!_parts.Speech.IsCurrent(session))
        {
            return;
        }

        CallLog.RecognizerFailed(logger, CallId, reason);
        _call?.AddTurn(Speaker.Bot, TurnKind.Event, "recognizer-failed");
        await _parts.Speech.StopAsync();
        if (!InCall || await _call!.CountFailureAsync("recognizer", reason))
        {
            return;
        }

        // Keypad menus from here on: say so, then ask the current question again.
        var call = _call;
        var prompts = call.Conversation.Expecting is not null ? call.CurrentPrompts() : [];
        await call.GuardAsync(() => call.SayPhrasesAsync([SpeechUnavailablePhrase, .. prompts]));
    }

    public async Task OnInterpretedAsync(InterpretedUtterance utterance)
    {
        ArgumentNullException.ThrowIfNull(utterance);
        if (!InCall || !_parts.Floor.EndInterpretation(utterance.Turn))
        {
            return;   // the caller spoke again, or the call ended: this answer is stale
        }

        var call = _call!;
        call.AddTurn(Speaker.Caller, TurnKind.Event, $"understood:{utterance.Interpreter}:{string.Join('+', utterance.Intents)}");
        if (utterance.LlmFirstToken is { } firstToken && _interpretationStartedAt is { } interpretationStarted)
        {
            _parts.Timings.LlmFirstToken(interpretationStarted, firstToken);
        }

        if (utterance.Failure is not null)
        {
            CallLog.InterpreterFailed(logger, CallId, utterance.Failure);
            if (await call.CountFailureAsync("interpreter", utterance.Failure))
            {
                return;
            }
        }
        else if (utterance.Interpreter != "rules")
        {
            _parts.Failures.Succeeded("interpreter");
        }

        await call.RunAsync(() => call.Conversation.OnUtterance(utterance.Transcript, UtteranceInterpreters.FromMessage(utterance)));
    }

    /// <summary>A spoken turn is over: hand the words to the interpreters, off the grain, and wait for their answer.</summary>
    private async Task EndSpokenTurnAsync(CallActions call)
    {
        var transcript = _parts.Floor.EndSpokenTurn();
        if (transcript.Length == 0)
        {
            call.TurnEndedWithoutInput();
            return;
        }

        call.AddTurn(Speaker.Caller, TurnKind.Text, transcript);
        var now = _parts.Time.GetUtcNow();
        _parts.Timings.Input(State, "speech", transcript, _lastVoiceAt is { } voice && voice <= now ? voice : now, now);
        var conversation = call.Conversation;
        if (conversation.Expecting is ExpectedInput.Recording or null)
        {
            // A name said during the recording is kept as text too; in a state that asks nothing, words only resume it.
            await call.RunAsync(() => conversation.OnUtterance(transcript), afterInput: false);
            await call.ResumeAfterBargeInAsync();
            return;
        }

        var turn = _parts.Floor.BeginInterpretation();
        _interpretationStartedAt = now;
        _parts.Speech.Interpret(turn, transcript, TurnTaking.Context(CallId, conversation, services.Assets.Flow), this.AsReference<ICallSpeechTarget>());
    }
}
