using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Streams;
using Voicebot.Abstractions;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Phrases;
using Voicebot.Abstractions.Records;
using Voicebot.Abstractions.Speech;
using Voicebot.Conversation;

namespace Voicebot.Grains.Calls;

/// <summary>
/// One call: runs the <see cref="CallConversation"/> state machine and carries out its actions through parts with one
/// concern each — <see cref="TurnTaking"/> (who has the floor), <see cref="CallPlayback"/> (the bot's side of the
/// line), <see cref="CallSpeech"/> (the caller's words), <see cref="CallerRecording"/> (the name), <see cref="CallTimers"/>
/// and <see cref="CallRecordBuilder"/>. Placed on the silo whose gateway made the first call, i.e. next to the socket;
/// inbound media arrives on the call's stream (implicit subscription).
/// </summary>
/// <remarks>
/// A hang-up and a barge-in are always interleaved: they land while a turn awaits. They only cancel the turn's token,
/// which the action loop checks before each action, and the parts check the line after each of their awaits.
/// </remarks>
[PreferLocalPlacement]
[ImplicitStreamSubscription(StreamNames.CallMedia)]
public sealed partial class CallGrain(CallServices services, ILogger<CallGrain> logger) : Grain, ICallGrain, ICallTimerTarget, ICallSpeechTarget
{
    private readonly CallOptions _options = services.Options;
    private readonly TimeProvider _time = services.Time;
    private readonly CallerSpeechTracker _voice = new(services.Options.SpeechThresholdDbfs, services.Options.MinSpeech, services.Options.EndOfSpeechSilence);
    private readonly TurnTaking _floor = new(services.Options.SilenceReprompt, services.Options.SilenceGiveUp);
    private readonly TurnTimings _timings = new(services.Metrics);
    private readonly CallSpeech _speech = new(services.Recognizer, services.Speech, services.Interpreters, services.Metrics);
    private readonly TechnicianHandOver _technicians = new(services.Technicians, services.Transfer, logger);

    private CallRecordBuilder _record = null!;
    private ProviderFailures _failures = null!;
    private CallTimers _timers = null!;
    private InboundAudioDemand _nearVoice = null!;
    private CallConversation? _conversation;
    private CallPlayback? _line;
    private ISpeechSynthesizer _voiceForText = null!;
    private CancellationTokenSource _turn = new();
    private CallStart? _start;
    private CallEnding _ending = null!;
    private DateTimeOffset? _lastVoiceAt;
    private DateTimeOffset? _interpretationStartedAt;
    private NameRecorder _name = null!;

    private Guid CallId => this.GetPrimaryKey();

    private string State => _conversation?.CurrentState ?? CallStates.New;

    private bool LineClosed => _line?.LineClosed ?? true;

    private bool BotTalking => _line?.IsTalking ?? false;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _record = new CallRecordBuilder(CallId, RuntimeIdentity, _time);
        _failures = new ProviderFailures(services.Speech.MaxConsecutiveFailures, _record, services.Metrics, _time);
        _timers = new CallTimers(_time, this.AsReference<ICallTimerTarget>());   // callbacks run off the grain: they only send it messages
        _ending = new CallEnding(CallId, _technicians, services.Metrics, _time, logger);
        _name = new NameRecorder(_options, new NameClipFiles(_options, services.Paths, logger), _timers);
        _nearVoice = CallAudioDemands.NearVoice(_options, _speech.HasRecognizer ? services.Speech : null);
        _voiceForText = services.Voices.ForCall((voice, ex) =>
        {
            CallLog.SynthesisFailed(logger, CallId, voice.Engine, ex.Message);
            _failures.Failed("synthesizer", $"{voice.Engine}: {ex.Message}");   // the fallback voice said it instead
        });
        var stream = this.GetStreamProvider(StreamNames.Provider).GetStream<InboundMedia>(StreamId.Create(StreamNames.CallMedia, CallId));
        await stream.SubscribeAsync(OnMediaAsync);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timers.Dispose();
        await _speech.StopAsync();
    }

    public async Task StartAsync(CallStart start, ICallMediaSink sink)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (_conversation is not null)
        {
            return;   // a retried start: the call is already running
        }

        _start = start;
        _line = new CallPlayback(CallId, start.SampleRate, sink, GrainFactory.GetGrain<IPhraseCacheGrain>(0), services.Resampler, _timings, _time, logger);
        _conversation = new CallConversation(services.Assets.Flow, services.Conversation);
        _timers.StartMaxDuration(_options.MaxDuration);
        CallLog.Started(logger, CallId, start.SampleRate, start.RemoteEndPoint, services.Assets.Flow.Name);
        _speech.Start(new RecognitionOptions(CallId, start.SampleRate, services.Assets.Flow.Language), this.AsReference<ICallSpeechTarget>());
        await AskForAudioAsync();
        await RunAsync(() => _conversation.Start());
    }

    public async Task OnPlaybackFinishedAsync(int playbackId)
    {
        if (_line?.Finished(playbackId) == true)
        {
            if (_ending.TransferPending)
            {
                await TransferAsync();
                return;
            }

            await GuardAsync(OnPromptsPlayedAsync);
        }
    }

    public async Task HangUpAsync(HangupReason reason)
    {
        CallLog.GatewayHangup(logger, CallId, reason);
        _ending.CancelTransfer();
        NewTurn();   // the turn in flight says and does nothing more: the hang-up runs its own actions
        _speech.CancelInterpretation();
        _floor.AbandonInterpretation();
        _line?.Close();
        _timers.CancelSilence();
        await _speech.StopAsync();
        if (_conversation is null || _conversation.IsEnded)
        {
            return;
        }

        var actions = reason switch
        {
            HangupReason.CallerHungUp => _conversation.OnCallerHangup(),
            HangupReason.ProtocolError => _conversation.OnFailure("protocol-error"),
            HangupReason.PeerTimeout => _conversation.OnFailure("peer-timeout"),
            HangupReason.Shutdown => _conversation.OnFailure("shutdown"),
            _ => _conversation.OnFailure("gateway-error"),
        };
        AddTurn(Speaker.Caller, TurnKind.Event, "hang-up:" + reason.ToString().ToLowerInvariant());
        await ApplyAsync(actions, _turn.Token);
    }

    public Task OnBargeInAsync() => BargeInAsync(byWords: false);

    public Task<CallOutcome?> GetOutcomeAsync() => Task.FromResult(_ending.Outcome);

    public Task<CallRecord?> GetRecordAsync() => Task.FromResult(_record.Current(_ending.Outcome, _start, _timings.Turns));

    public Task<CallRecord?> CompleteRecordAsync(CallMediaFacts media)
    {
        ArgumentNullException.ThrowIfNull(media);
        var stored = _record.Completed;
        var record = _record.Complete(_ending.Outcome, _start, _timings.WithFirstFrames(media), media);
        if (stored is null && record is not null)
        {
            services.Records?.Submit(record);   // stored once; a retried end changes nothing
        }

        return Task.FromResult(record);
    }

    public Task<CallSnapshot> GetSnapshotAsync() => Task.FromResult(new CallSnapshot(
        CallId,
        State,
        new Dictionary<string, string>(_conversation?.Slots ?? new Dictionary<string, string>()),
        [.. _record.History],
        _ending.Outcome,
        RuntimeIdentity,
        _timers.CountingSilence || _name.Open is not null,
        _voice.InSpeech || _name.Open is { InSpeech: true }));

    public async Task OnTimerAsync(CallTimer timer, int generation)
    {
        if (_conversation is not { IsEnded: false } conversation || !_timers.IsCurrent(timer, generation))
        {
            return;   // the call ended, or a stale tick: the caller did something meanwhile
        }

        switch (timer)
        {
            case CallTimer.MaxDuration:
                AddTurn(Speaker.Bot, TurnKind.Event, "max-duration");
                await RunAsync(conversation.OnMaxDuration);
                return;

            case CallTimer.SilenceReprompt or CallTimer.SilenceGiveUp:
                CallLog.SilenceTimeout(logger, CallId, timer);
                // A recording open this long without a voice is silence too: what it holds is noise, and it opens
                // again after « Allô ? ».
                var recordAgain = _name.Open is not null ? _name.Close() : null;
                await AskForAudioAsync();
                await OnCallerSilentAsync(recordAgain);
                return;

            case CallTimer.RecordingLimit when _name.Open is not null:
                await FinishRecordingAsync();
                return;
        }
    }

    /// <summary>Tells the gateway which caller frames to publish: those near the voice, a recording's included.</summary>
    private Task AskForAudioAsync() => _line?.AskForAudioAsync(_name.Demand(_nearVoice)) ?? Task.CompletedTask;

    private async Task OnMediaAsync(InboundMedia media, StreamSequenceToken? token)
    {
        if (_conversation is null || _conversation.IsEnded || LineClosed)
        {
            CallLog.MediaIgnored(logger, CallId, media.Sequence);
            return;
        }

        if (media.SkippedSamples > 0 && media.SampleRate > 0)
        {
            _speech.Skip(TimeSpan.FromSeconds((double)media.SkippedSamples / media.SampleRate));
            _name.Open?.WriteSilence(media.SkippedSamples);   // the quiet kept back, where it was
        }

        if (media.Kind == InboundMediaKind.Dtmf)
        {
            await OnDtmfAsync(media.Digit);
        }
        else if (media.Audio is { } audio)
        {
            await OnAudioAsync(audio, media.SampleRate);
        }
    }

    private async Task OnDtmfAsync(char digit)
    {
        CallLog.Dtmf(logger, CallId, digit);
        AddTurn(Speaker.Caller, TurnKind.Dtmf, digit.ToString());
        _timings.Input(State, "dtmf", digit.ToString(), _time.GetUtcNow());
        OnCallerActivity();
        _floor.CallerAnswered();
        if (_name.Open is not null)
        {
            await FinishRecordingAsync(heardKey: true);   // '#' (or any key) ends the recording
            return;
        }

        if (BotTalking)
        {
            _line!.Forget();
            await _line.FlushAsync();   // type-ahead: a key pressed during a prompt answers it
        }

        var conversation = _conversation!;
        await RunAsync(() => conversation.OnDtmf(digit));
    }

    private async Task OnAudioAsync(byte[] audio, int sampleRate)
    {
        _speech.Feed(audio);
        if (_name.Open is { } recording)
        {
            // The recording ends on its timer or at the end of the voice, not on bytes received.
            var recordingChange = recording.Write(audio, sampleRate);
            if (recordingChange == SpeechChange.Started)
            {
                OnCallerActivity();   // a voice: the silence timers stop, the recording's own limit still holds
            }
            else if (recordingChange == SpeechChange.Ended)
            {
                await FinishRecordingAsync();
            }

            return;
        }

        var change = _voice.Process(audio, sampleRate);
        if (_voice.LastFrameLoud)
        {
            _lastVoiceAt = _time.GetUtcNow();
        }

        if (change == SpeechChange.Started)
        {
            OnCallerActivity();   // the caller is talking: not silent
        }
        else if (change != SpeechChange.Ended)
        {
            return;
        }
        else if (_speech.Listening)
        {
            // The recognizer's end of turn decides (a transcript, or nothing); this only notices the end of the noise.
            // While the answer is being interpreted the caller is not silent: the reply will restart the count.
            if (!_floor.ResumeAfterBargeIn && !_floor.Interpreting)
            {
                await GuardAsync(ListenAsync);
            }
        }
        else if (_floor.ResumeAfterBargeIn && _conversation!.Expecting is null)
        {
            await ResumeAfterBargeInAsync();
        }
        else if (!BotTalking && _conversation!.Expecting is not null)
        {
            // Speech in a keypad state with nothing to transcribe it: say so and re-prompt (counts as one attempt).
            _floor.TakeResume(botTalking: false);
            TurnEndedWithoutInput();
            AddTurn(Speaker.Caller, TurnKind.Event, "speech-not-understood");
            _timings.Input(State, "speech", null, _lastVoiceAt ?? _time.GetUtcNow());
            await RunAsync(_conversation.OnUnintelligibleSpeech);
        }
        else
        {
            await GuardAsync(ListenAsync);
        }
    }

    /// <summary>The name recording ended (a key, the end of the voice, its limit): keep the clip, or count a silence.</summary>
    private async Task FinishRecordingAsync(bool heardKey = false)
    {
        var recording = _name.Open!;
        var request = _name.Close()!;
        await AskForAudioAsync();
        var clip = await _name.SaveAsync(CallId, recording, _time.GetUtcNow());
        AddTurn(Speaker.Caller, TurnKind.AudioClip, clip ?? "(nothing said)");
        if (clip is null && !heardKey)
        {
            // No voice and no key for the whole recording: the caller is silent, not misunderstood.
            await OnCallerSilentAsync(recordAgain: request);
            return;
        }

        var conversation = _conversation!;
        await RunAsync(() => conversation.OnRecordingCompleted(clip));
    }

    /// <summary>
    /// The caller has been silent for the state's timeout (on the clock, at every step, recordings included): the first
    /// time « Allô ? » (and the recording opens again), the second time goodbye.
    /// </summary>
    private async Task OnCallerSilentAsync(StartRecording? recordAgain)
    {
        var conversation = _conversation!;
        AddTurn(Speaker.Caller, TurnKind.Event, "silence");
        _timers.CancelSilence();
        if (_floor.CallerSilent() == SilenceLevel.GiveUp)
        {
            await RunAsync(() => conversation.OnSilence(SilenceLevel.GiveUp), afterInput: false);
            return;
        }

        TurnEndedWithoutInput();
        _name.Pending = recordAgain;
        await RunAsync(() => conversation.OnSilence(SilenceLevel.Reprompt));
    }

    /// <summary>Runs one conversation event and carries out its actions; then listens if nothing is left to play.</summary>
    private Task RunAsync(Func<IReadOnlyList<ConversationAction>> step, bool afterInput = true) => GuardAsync(async () =>
    {
        await ApplyAsync(step(), _turn.Token);
        if (!BotTalking && afterInput)
        {
            await OnPromptsPlayedAsync();
        }
    });

    private async Task OnPromptsPlayedAsync()
    {
        if (_conversation is null || _conversation.IsEnded)
        {
            return;
        }

        await ApplyAsync(_conversation.OnPromptsPlayed(), _turn.Token);
        if (!BotTalking)
        {
            await ListenAsync();
        }
    }

    /// <summary>The bot has said everything: start the pending recording, or wait for the caller with the silence timers.</summary>
    private async Task ListenAsync()
    {
        if (_conversation is null || _conversation.IsEnded || LineClosed)
        {
            return;
        }

        if (_name.TryOpen(_start?.SampleRate ?? 8000))
        {
            // Both limits run on the clock: a caller who sends a trickle of frames, or none, is silent all the same.
            CountSilence();
        }
        else if (_conversation.Expecting is not null && !_timers.CountingSilence && !_voice.InSpeech)
        {
            CountSilence();
        }

        await AskForAudioAsync();
    }

    /// <summary>
    /// Carries out a turn's actions in order. <paramref name="turn"/> is cancelled by a barge-in (the bot says nothing
    /// more of this turn) or a hang-up (the hang-up runs its own actions: the rest of this turn is moot).
    /// </summary>
    private async Task ApplyAsync(IReadOnlyList<ConversationAction> actions, CancellationToken turn)
    {
        var lineWasClosed = LineClosed;
        foreach (var action in actions)
        {
            if (LineClosed && !lineWasClosed)
            {
                return;   // the caller hung up meanwhile (or the gateway is gone): the rest of this turn is moot
            }

            if (turn.IsCancellationRequested && action is SayPhrases or SayText)
            {
                continue;   // the caller barged in: the bot stays quiet until their turn ends (ResumeAfterBargeInAsync)
            }

            switch (action)
            {
                case EnterState enter:
                    CallLog.StateChanged(logger, CallId, enter.From, enter.To);
                    AddTurn(Speaker.Bot, TurnKind.Event, "state:" + enter.To);
                    if (_ending.Outcome is null)
                    {
                        services.Records?.Submit(_record.Draft(_conversation!, _start, _timings.Turns));   // once per state change
                    }

                    break;

                case SayPhrases say:
                    await SayPhrasesAsync(say.PhraseKeys, turn);
                    break;

                case SayText text:
                    await SayTextAsync(text, turn);
                    break;

                case StartRecording record:
                    _name.Pending = record;
                    break;

                case RunCheck check:
                    var available = await _technicians.CheckAsync(CallId, check.Check);
                    AddTurn(Speaker.Bot, TurnKind.Event, $"check:{check.Check}={(available ? "available" : "busy")}");
                    await ApplyAsync(_conversation!.OnCheckResult(check.Check, available), turn);
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
            if (await _line!.PlayPhraseAsync(key, turn))
            {
                _timers.CancelSilence();   // the bot is talking: silence is counted from when it stops
            }
        }
    }

    /// <summary>Says text that is no fixed phrase (the phone number read back), streamed as it is synthesized.</summary>
    private async Task SayTextAsync(SayText say, CancellationToken turn)
    {
        AddTurn(Speaker.Bot, TurnKind.Text, say.Text);
        if (LineClosed)
        {
            return;
        }

        _timers.CancelSilence();
        var (result, failure) = await _line!.SpeakAsync(_voiceForText, say, turn);
        if (result == SpeechResult.Spoken)
        {
            _failures.Succeeded("synthesizer");
        }
        else if (result == SpeechResult.Failed && _failures.Failed("synthesizer", failure!))
        {
            await RunAsync(() => _conversation!.OnFailure("provider-failures"), afterInput: false);
        }
    }

    private async Task EndAsync(EndCall end)
    {
        _timers.Dispose();
        _name.Close();
        _ending.End(end, _conversation!, _start);
        AddTurn(Speaker.Bot, TurnKind.Event, $"end:{end.Outcome}:{end.Reason}");
        if (await _ending.CarryOutAsync(_line))
        {
            AddTurn(Speaker.Bot, TurnKind.Event, "transferred");   // Asterisk moved the channel: the socket closes from its side
        }
    }

    private async Task TransferAsync()
    {
        if (await _ending.TransferAsync(_line))
        {
            AddTurn(Speaker.Bot, TurnKind.Event, "transferred");
        }
    }

    /// <summary>One failing call must not take anything else down: log it, apologise if possible, end it.</summary>
    private async Task GuardAsync(Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            CallLog.Failed(logger, CallId, ex.Message, ex);
            if (_conversation is { IsEnded: false })
            {
                try
                {
                    await ApplyAsync(_conversation.OnFailure("internal-error"), _turn.Token);
                }
                catch (Exception inner) when (inner is not OperationCanceledException)
                {
                    CallLog.Failed(logger, CallId, inner.Message, inner);
                }
            }
        }
    }

    /// <summary>Starts a new turn: the one in flight is interrupted (its token is cancelled, its synthesis stops).</summary>
    private void NewTurn()
    {
        var interrupted = _turn;
        _turn = new CancellationTokenSource();
        interrupted.Cancel();   // not disposed: the interrupted turn may still be checking it
    }

    private void CountSilence()
    {
        var state = _conversation is null ? null : services.Assets.Flow.States.GetValueOrDefault(_conversation.CurrentState);
        _timers.CountSilence(_floor.NextSilence, _floor.SilenceDue(state));
    }

    /// <summary>The caller did something (a key, speech): the silence count starts again from « Allô ? ».</summary>
    private void OnCallerActivity()
    {
        _floor.CallerActive();
        _timers.CancelSilence();
    }

    private void TurnEndedWithoutInput()
    {
        if (_floor.TurnEndedWithoutInput())
        {
            services.Metrics.FalseBargeIn();
        }
    }

    private void AddTurn(Speaker speaker, TurnKind kind, string content) => _record.Add(speaker, kind, content, State);
}
