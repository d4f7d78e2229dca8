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
/// One call, as Orleans sees it: the messages that reach it (the gateway's start, media, playback reports, hang-up and
/// barge-in; the timers; the recognizer and the interpreters) turned into events of its <see cref="CallConversation"/>,
/// whose actions <see cref="CallActions"/> carries out. Everything else is in the call's <see cref="CallParts"/>.
/// Placed on the silo whose gateway made the first call, i.e. next to the socket; inbound media arrives on the call's
/// stream (implicit subscription).
/// </summary>
/// <remarks>
/// A hang-up and a barge-in are always interleaved: they land while a turn awaits. They only interrupt the turn (its
/// token, checked before each action) and close or quiet the line, which the parts check after each of their awaits.
/// </remarks>
[PreferLocalPlacement]
[ImplicitStreamSubscription(StreamNames.CallMedia)]
public sealed partial class CallGrain(CallServices services, ILogger<CallGrain> logger) : Grain, ICallGrain, ICallTimerTarget, ICallSpeechTarget
{
    private CallParts _parts = null!;
    private CallActions? _call;
    private DateTimeOffset? _lastVoiceAt;

    private Guid CallId => this.GetPrimaryKey();

    private string State => _call?.State ?? CallStates.New;

    private bool BotTalking => _call?.Line.IsTalking ?? false;

    /// <summary>The call is running: started, not ended.</summary>
    private bool InCall => _call is { Conversation.IsEnded: false };

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Timer callbacks run off the grain: they only send it messages.
        _parts = new CallParts(CallId, RuntimeIdentity, services, this.AsReference<ICallTimerTarget>(), logger);
        var stream = this.GetStreamProvider(StreamNames.Provider).GetStream<InboundMedia>(StreamId.Create(StreamNames.CallMedia, CallId));
        await stream.SubscribeAsync(OnMediaAsync);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _parts.Timers.Dispose();
        await _parts.Speech.StopAsync();
    }

    public async Task StartAsync(CallStart start, ICallMediaSink sink)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (_call is not null)
        {
            return;   // a retried start: the call is already running
        }

        var line = new CallPlayback(
            CallId, start.SampleRate, sink, GrainFactory.GetGrain<IPhraseCacheGrain>(0), services.Resampler, _parts.Timings, _parts.Time, logger);
        var call = _call = new CallActions(_parts, new CallConversation(services.Assets.Flow, services.Conversation), line, start);
        _parts.Timers.StartMaxDuration(services.Options.MaxDuration);
        CallLog.Started(logger, CallId, start.SampleRate, start.RemoteEndPoint, services.Assets.Flow.Name);
        _parts.Speech.Start(new RecognitionOptions(CallId, start.SampleRate, services.Assets.Flow.Language), this.AsReference<ICallSpeechTarget>());
        await call.AskForAudioAsync();
        await call.RunAsync(call.Conversation.Start);
    }

    public async Task OnPlaybackFinishedAsync(int playbackId)
    {
        if (_call is not { } call || !call.Line.Finished(playbackId))
        {
            return;
        }

        if (_parts.Ending.TransferPending)
        {
            await call.TransferAsync();   // « je vous transfère » has been heard
            return;
        }

        await call.GuardAsync(call.PromptsPlayedAsync);
    }

    public async Task HangUpAsync(HangupReason reason)
    {
        CallLog.GatewayHangup(logger, CallId, reason);
        _parts.Ending.CancelTransfer();
        _call?.Interrupt();   // the turn in flight says and does nothing more: the hang-up runs its own actions
        _call?.Line.Close();
        _parts.Speech.CancelInterpretation();
        _parts.Floor.AbandonInterpretation();
        _parts.Timers.CancelSilence();
        await _parts.Speech.StopAsync();
        if (_call is not { Conversation.IsEnded: false } call)
        {
            return;
        }

        var actions = reason switch
        {
            HangupReason.CallerHungUp => call.Conversation.OnCallerHangup(),
            HangupReason.ProtocolError => call.Conversation.OnFailure("protocol-error"),
            HangupReason.PeerTimeout => call.Conversation.OnFailure("peer-timeout"),
            HangupReason.Shutdown => call.Conversation.OnFailure("shutdown"),
            _ => call.Conversation.OnFailure("gateway-error"),
        };
        call.AddTurn(Speaker.Caller, TurnKind.Event, "hang-up:" + reason.ToString().ToLowerInvariant());
        await call.ApplyAsync(actions);
    }

    public Task OnBargeInAsync() => BargeInAsync(byWords: false);

    public Task<CallOutcome?> GetOutcomeAsync() => Task.FromResult(_parts.Ending.Outcome);

    public Task<CallRecord?> GetRecordAsync() => Task.FromResult(_parts.Record.Current(_parts.Ending.Outcome, _call?.Start, _parts.Timings.Turns));

    public Task<CallRecord?> CompleteRecordAsync(CallMediaFacts media)
    {
        ArgumentNullException.ThrowIfNull(media);
        var stored = _parts.Record.Completed;
        var record = _parts.Record.Complete(_parts.Ending.Outcome, _call?.Start, _parts.Timings.WithFirstFrames(media), media);
        if (stored is null && record is not null)
        {
            services.Records?.Submit(record);   // stored once; a retried end changes nothing
        }

        return Task.FromResult(record);
    }

    public Task<CallSnapshot> GetSnapshotAsync() => Task.FromResult(new CallSnapshot(
        CallId,
        State,
        new Dictionary<string, string>(_call?.Conversation.Slots ?? new Dictionary<string, string>()),
        [.. _parts.Record.History],
        _parts.Ending.Outcome,
        RuntimeIdentity,
        _parts.Timers.CountingSilence || _parts.Name.Open is not null,
        _parts.Voice.InSpeech || _parts.Name.Open is { InSpeech: true }));

    public async Task OnTimerAsync(CallTimer timer, int generation)
    {
        if (!InCall || !_parts.Timers.IsCurrent(timer, generation))
        {
            return;   // the call ended, or a stale tick: the caller did something meanwhile
        }

        var call = _call!;
        switch (timer)
        {
            case CallTimer.MaxDuration:
                call.AddTurn(Speaker.Bot, TurnKind.Event, "max-duration");
                await call.RunAsync(call.Conversation.OnMaxDuration);
                return;

            case CallTimer.SilenceReprompt or CallTimer.SilenceGiveUp:
                CallLog.SilenceTimeout(logger, CallId, timer);
                // A recording open this long without a voice is silence too: what it holds is noise, and it opens
                // again after « Allô ? ».
                var recordAgain = _parts.Name.Open is not null ? _parts.Name.Close() : null;
                await call.AskForAudioAsync();
                await OnCallerSilentAsync(call, recordAgain);
                return;

            case CallTimer.RecordingLimit when _parts.Name.Open is not null:
                await FinishRecordingAsync(call);
                return;
        }
    }

    private async Task OnMediaAsync(InboundMedia media, StreamSequenceToken? token)
    {
        if (!InCall || _call!.Line.LineClosed)
        {
            CallLog.MediaIgnored(logger, CallId, media.Sequence);
            return;
        }

        if (media.SkippedSamples > 0 && media.SampleRate > 0)
        {
            _parts.Speech.Skip(TimeSpan.FromSeconds((double)media.SkippedSamples / media.SampleRate));
            _parts.Name.Open?.WriteSilence(media.SkippedSamples);   // the quiet kept back, where it was
        }

        if (media.Kind == InboundMediaKind.Dtmf)
        {
            await OnDtmfAsync(_call, media.Digit);
        }
        else if (media.Audio is { } audio)
        {
            await OnAudioAsync(_call, audio, media.SampleRate);
        }
    }

    private async Task OnDtmfAsync(CallActions call, char digit)
    {
        CallLog.Dtmf(logger, CallId, digit);
        call.AddTurn(Speaker.Caller, TurnKind.Dtmf, digit.ToString());
        _parts.Timings.Input(State, "dtmf", digit.ToString(), _parts.Time.GetUtcNow());
        call.CallerActive();
        _parts.Floor.CallerAnswered();
        if (_parts.Name.Open is not null)
        {
            await FinishRecordingAsync(call, heardKey: true);   // '#' (or any key) ends the recording
            return;
        }

        if (BotTalking)
        {
            call.Line.Forget();
            await call.Line.FlushAsync();   // type-ahead: a key pressed during a prompt answers it
        }

        await call.RunAsync(() => call.Conversation.OnDtmf(digit));
    }

    private async Task OnAudioAsync(CallActions call, byte[] audio, int sampleRate)
    {
        _parts.Speech.Feed(audio);
        if (_parts.Name.Open is { } recording)
        {
            // The recording ends on its timer or at the end of the voice, not on bytes received.
            var recordingChange = recording.Write(audio, sampleRate);
            if (recordingChange == SpeechChange.Started)
            {
                call.CallerActive();   // a voice: the silence timers stop, the recording's own limit still holds
            }
            else if (recordingChange == SpeechChange.Ended)
            {
                await FinishRecordingAsync(call);
            }

            return;
        }

        var change = _parts.Voice.Process(audio, sampleRate);
        if (_parts.Voice.LastFrameLoud)
        {
            _lastVoiceAt = _parts.Time.GetUtcNow();
        }

        if (change == SpeechChange.Started)
        {
            call.CallerActive();   // the caller is talking: not silent
            return;
        }

        if (change != SpeechChange.Ended)
        {
            return;
        }

        // The end of the caller's noise. With a recognizer, its end of turn decides (a transcript, or nothing).
        switch (_parts.Floor.OnVoiceEnded(_parts.Speech.Listening, BotTalking, call.Conversation.Expecting))
        {
            case AfterVoice.Listen:
                await call.GuardAsync(call.ListenAsync);
                break;

            case AfterVoice.Resume:
                await call.ResumeAfterBargeInAsync();
                break;

            case AfterVoice.NotUnderstood:
                // Speech in a keypad state with nothing to transcribe it: say so and re-prompt (counts as one attempt).
                call.TurnEndedWithoutInput();
                call.AddTurn(Speaker.Caller, TurnKind.Event, "speech-not-understood");
                _parts.Timings.Input(State, "speech", null, _lastVoiceAt ?? _parts.Time.GetUtcNow());
                await call.RunAsync(call.Conversation.OnUnintelligibleSpeech);
                break;
        }
    }

    /// <summary>The name recording ended (a key, the end of the voice, its limit): keep the clip, or count a silence.</summary>
    private async Task FinishRecordingAsync(CallActions call, bool heardKey = false)
    {
        var recording = _parts.Name.Open!;
        var request = _parts.Name.Close()!;
        await call.AskForAudioAsync();
        var clip = await _parts.Name.SaveAsync(CallId, recording, _parts.Time.GetUtcNow());
        call.AddTurn(Speaker.Caller, TurnKind.AudioClip, clip ?? "(nothing said)");
        if (clip is null && !heardKey)
        {
            await OnCallerSilentAsync(call, recordAgain: request);   // no voice and no key: silent, not misunderstood
            return;
        }

        await call.RunAsync(() => call.Conversation.OnRecordingCompleted(clip));
    }

    /// <summary>
    /// The caller has been silent for the state's timeout (on the clock, at every step, recordings included): the first
    /// time « Allô ? » (and the recording opens again), the second time goodbye.
    /// </summary>
    private async Task OnCallerSilentAsync(CallActions call, StartRecording? recordAgain)
    {
        call.AddTurn(Speaker.Caller, TurnKind.Event, "silence");
        _parts.Timers.CancelSilence();
        if (_parts.Floor.CallerSilent() == SilenceLevel.GiveUp)
        {
            await call.RunAsync(() => call.Conversation.OnSilence(SilenceLevel.GiveUp), afterInput: false);
            return;
        }

        call.TurnEndedWithoutInput();
        _parts.Name.Pending = recordAgain;
        await call.RunAsync(() => call.Conversation.OnSilence(SilenceLevel.Reprompt));
    }
}
