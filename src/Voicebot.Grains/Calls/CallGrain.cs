using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Streams;
using Voicebot.Abstractions;
using Voicebot.Abstractions.Audio;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Phrases;
using Voicebot.Abstractions.Records;
using Voicebot.Abstractions.Speech;
using Voicebot.Abstractions.Technicians;
using Voicebot.Conversation;
using Voicebot.Conversation.Understanding;
using Voicebot.Grains.Audio;
using Voicebot.Grains.Conversation;
using Voicebot.Grains.Phrases;
using Voicebot.Grains.Technicians;

namespace Voicebot.Grains.Calls;

/// <summary>
/// One call: runs the <see cref="CallConversation"/> state machine, turns its actions into phrases played through the
/// gateway's <see cref="ICallMediaSink"/>, and keeps the history. Placed on the silo whose gateway made the first
/// call, i.e. next to the socket. Inbound media arrives on the call's stream (implicit subscription).
/// </summary>
[PreferLocalPlacement]
[ImplicitStreamSubscription(StreamNames.CallMedia)]
public sealed partial class CallGrain : Grain, ICallGrain, ICallTimerTarget, ICallSpeechTarget
{
    private static readonly TimeSpan TechnicianCheckTimeout = TimeSpan.FromSeconds(3);

    private readonly ConversationAssets _assets;
    private readonly CallOptions _options;
    private readonly ConversationOptions _conversationOptions;
    private readonly ITechnicianAvailability _technicians;
    private readonly TimeProvider _time;
    private readonly ContentPaths _paths;
    private readonly NameClipFiles _clips;
    private readonly ILogger<CallGrain> _logger;
    private readonly List<ConversationTurn> _history = [];
    private readonly HashSet<int> _pendingPlayback = [];
    private readonly CallerSpeechTracker _speech;
    private readonly InboundAudioDemand _nearVoice;
    private InboundAudioDemand? _sentInboundAudio;
    private readonly TurnTimings _timings;
    private readonly List<ProviderError> _providerErrors = [];
    private readonly ICallTransfer _transfer;
    private readonly ICallRecordSink? _records;
    private CallRecord? _completedRecord;
    private DateTimeOffset? _lastVoiceAt;
    private bool _transferPending;
    private DateTimeOffset? _interpretationStartedAt;
    private string? _lastSynthesisError;

    private CallConversation? _conversation;
    private ICallMediaSink? _sink;

    // Interruptions that land while a turn awaits ([AlwaysInterleave] hang-up and barge-in): a turn's action loop
    // compares this with the value it started with before each action, and stops talking once the caller barged in.
    private long _bargeIns;
    private CallStart? _start;
    private CallOutcome? _outcome;
    private int _nextPlaybackId;
    private bool _lineClosed;

    private StartRecording? _recordingRequest;
    private CallerRecording? _recording;
    private ITimer? _recordingLimitTimer;
    private int _recordingGeneration;

    private readonly SpeechOptions _speechOptions;
    private readonly ISpeechSynthesizer _synthesizer;
    private readonly ISpeechSynthesizer? _fallbackSynthesizer;
    private readonly IChunkResampler _resampler;
    private readonly SpokenTextCache _spokenCache;
    private readonly CallMetrics _metrics;
    private CancellationTokenSource? _speakingCts;
    private CancellationTokenSource? _interpretingCts;
    private readonly ISpeechRecognizer? _recognizer;
    private readonly UtteranceInterpreters _interpreters;
    private readonly System.Text.StringBuilder _heard = new();

    private CallSpeechSession? _speechSession;
    private int _speechSessionId;
    private int _turn;
    private readonly Dictionary<string, int> _consecutiveFailures = new(StringComparer.Ordinal);
    private bool _resumeAfterBargeIn;
    private bool _interpreting;
    private bool _providerHeardSpeech;
    private bool _bargeInByWords;
    private ICallTimerTarget? _self;
    private ITimer? _silenceTimer;
    private CallTimer _nextSilence = CallTimer.SilenceReprompt;
    private ITimer? _maxDurationTimer;
    private int _timerGeneration;

    public CallGrain(
        ConversationAssets assets,
        IOptions<CallOptions> options,
        IOptions<ConversationOptions> conversationOptions,
        ITechnicianAvailability technicians,
        CallClock clock,
        ContentPaths paths,
        IOptions<SpeechOptions> speechOptions,
        UtteranceInterpreters interpreters,
        ISpeechSynthesizer synthesizer,
        IChunkResampler resampler,
        SpokenTextCache spokenCache,
        CallMetrics metrics,
        ILogger<CallGrain> logger,
        ISpeechRecognizer? recognizer = null,
        PhraseFallbackVoice? fallbackVoice = null,
        ICallTransfer? transfer = null,
        ICallRecordSink? records = null)
    {
        _records = records;
        _transfer = transfer ?? DialplanCallTransfer.Instance;
        _timings = new TurnTimings(metrics);
        _synthesizer = synthesizer;
        _fallbackSynthesizer = fallbackVoice?.Synthesizer;
        _resampler = resampler;
        _spokenCache = spokenCache;
        _metrics = metrics;
        ArgumentNullException.ThrowIfNull(speechOptions);
        _speechOptions = speechOptions.Value;
        _recognizer = recognizer;
        _interpreters = interpreters;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(conversationOptions);
        ArgumentNullException.ThrowIfNull(clock);
        _assets = assets;
        _options = options.Value;
        _conversationOptions = conversationOptions.Value;
        _technicians = technicians;
        _time = clock.Time;
        _paths = paths;
        _logger = logger;
        _speech = new CallerSpeechTracker(_options.SpeechThresholdDbfs, _options.MinSpeech, _options.EndOfSpeechSilence);
        _nearVoice = CallAudioDemands.NearVoice(_options, _recognizer is null ? null : _speechOptions);
        _clips = new NameClipFiles(_options, paths, logger);
    }

    private Guid CallId => this.GetPrimaryKey();

    /// <summary>Tells the gateway which caller frames to publish: those near the voice, a recording's included.</summary>
    private async Task SyncInboundAudioAsync()
    {
        var wanted = _recording is not null ? CallAudioDemands.Recording(_nearVoice, _options, _recording.Request) : _nearVoice;
        if (_sink is not { } sink || wanted == _sentInboundAudio)
        {
            return;
        }

        _sentInboundAudio = wanted;
        try
        {
            await sink.SetInboundAudioAsync(wanted);
        }
        catch (Exception ex)
        {
            // The gateway is gone (the caller hung up): nothing more will be published.
            CallLog.InboundAudioNotSet(_logger, CallId, ex.Message);
        }
    }

    private string State => _conversation?.CurrentState ?? CallStates.New;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _self = this.AsReference<ICallTimerTarget>();   // timer callbacks run off the grain's thread: they may only send it messages
        var stream = this.GetStreamProvider(StreamNames.Provider)
            .GetStream<InboundMedia>(StreamId.Create(StreamNames.CallMedia, CallId));
        await stream.SubscribeAsync(OnMediaAsync);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        CancelSilenceTimer();
        _maxDurationTimer?.Dispose();
        _recordingLimitTimer?.Dispose();
        await StopRecognitionAsync();
    }

    public async Task StartAsync(CallStart start, ICallMediaSink sink)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (_conversation is not null)
        {
            return;   // a retried start: the call is already running
        }

        _start = start;
        _sink = sink;
        _conversation = new CallConversation(_assets.Flow, _conversationOptions);
        _maxDurationTimer = _time.CreateTimer(FireTimer, (CallTimer.MaxDuration, 0), _options.MaxDuration, Timeout.InfiniteTimeSpan);
        CallLog.Started(_logger, CallId, start.SampleRate, start.RemoteEndPoint, _assets.Flow.Name);
        if (_recognizer is not null)
        {
            _speechSession = new CallSpeechSession(_recognizer, new RecognitionOptions(CallId, start.SampleRate, _assets.Flow.Language), this.AsReference<ICallSpeechTarget>(), ++_speechSessionId, _speechOptions.RecognizerGate);
        }

        await SyncInboundAudioAsync();
        await RunAsync(() => _conversation.Start());
    }

    public async Task OnPlaybackFinishedAsync(int playbackId)
    {
        if (_pendingPlayback.Remove(playbackId) && _pendingPlayback.Count == 0)
        {
            if (_transferPending)
            {
                await TransferAsync();
                return;
            }

            await GuardAsync(OnPromptsPlayedAsync);
        }
    }

    public async Task HangUpAsync(HangupReason reason)
    {
        CallLog.GatewayHangup(_logger, CallId, reason);
        _transferPending = false;
        _speakingCts?.Cancel();
        CancelInterpretation();
        _lineClosed = true;
        _sink = null;
        _pendingPlayback.Clear();
        CancelSilenceTimer();
        await StopRecognitionAsync();
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
        await ApplyAsync(actions);
    }

    public Task OnBargeInAsync()
    {
        // The gateway has already flushed the bot's audio; nothing queued will be reported as played. The bot stays
        // quiet until the caller's turn ends: their words answer the question, or it is asked again.
        if (_transferPending)
        {
            _pendingPlayback.Clear();
            return TransferAsync();
        }

        if (_pendingPlayback.Count == 0 || _conversation is null || _conversation.IsEnded)
        {
            return Task.CompletedTask;
        }

        _pendingPlayback.Clear();
        _bargeIns++;              // the turn that was talking says nothing more (ApplyAsync)
        _speakingCts?.Cancel();   // stop synthesizing what nobody will hear
        CancelInterpretation();
        BargeInHeard(_bargeInByWords);
        _metrics.BargedIn(_bargeInByWords ? "words" : "gateway");
        _bargeInByWords = false;
        _resumeAfterBargeIn = true;
        OnCallerActivity();
        AddTurn(Speaker.Caller, TurnKind.Event, "barge-in");
        CallLog.BargeIn(_logger, CallId, State);
        return Task.CompletedTask;
    }

    public async Task OnRecognitionAsync(int session, RecognitionUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (session != _speechSessionId || _conversation is null || _conversation.IsEnded)
        {
            return;
        }

        switch (update.Kind)
        {
            case RecognitionUpdateKind.SpeechStarted:
                OnCallerActivity();
                _providerHeardSpeech = true;
                break;

            case RecognitionUpdateKind.Transcript when update.Transcript.Length > 0:
                OnCallerActivity();
                CallerAnswered();
                _consecutiveFailures.Remove("recognizer");
                await BargeInOnWordsAsync(update.Transcript);
                if (update.IsFinal)
                {
                    _heard.Append(_heard.Length > 0 ? " " : string.Empty).Append(update.Transcript);
                }

                if (update.SpeechFinal && _speechOptions.EndOfTurn == "speech_final")
                {
                    await EndSpokenTurnAsync();
                }

                break;

            case RecognitionUpdateKind.UtteranceEnd:
                await EndSpokenTurnAsync();
                break;

            case RecognitionUpdateKind.Reconnected:
                AddTurn(Speaker.Bot, TurnKind.Event, "recognizer-reconnected");
                CallLog.RecognizerReconnected(_logger, CallId, update.Detail ?? string.Empty);
                break;
        }
    }

    public async Task OnRecognizerFailedAsync(int session, string reason)
    {
        if (session != _speechSessionId || _speechSession is null)
        {
            return;
        }

        CallLog.RecognizerFailed(_logger, CallId, reason);
        AddTurn(Speaker.Bot, TurnKind.Event, "recognizer-failed");
        await StopRecognitionAsync();
        if (_conversation is null || _conversation.IsEnded || await CountFailureAsync("recognizer", reason))
        {
            return;
        }

        // Keypad menus from here on: say so, then ask the current question again.
        await GuardAsync(async () =>
        {
            await PlayPhraseAsync(SpeechUnavailablePhrase);
            if (_conversation.Expecting is not null && _assets.Flow.States.TryGetValue(_conversation.CurrentState, out var state))
            {
                foreach (var key in state.Prompts)
                {
                    await PlayPhraseAsync(key);
                }
            }
        });
    }

    public async Task OnInterpretedAsync(InterpretedUtterance utterance)
    {
        ArgumentNullException.ThrowIfNull(utterance);
        if (utterance.Turn != _turn || _conversation is null || _conversation.IsEnded)
        {
            return;   // the caller spoke again, or the call ended: this answer is stale
        }

        _interpreting = false;
        AddTurn(Speaker.Caller, TurnKind.Event, $"understood:{utterance.Interpreter}:{string.Join('+', utterance.Intents)}");
        if (utterance.LlmFirstToken is { } firstToken && _interpretationStartedAt is { } interpretationStarted)
        {
            _timings.LlmFirstToken(interpretationStarted, firstToken);
        }

        if (utterance.Failure is not null)
        {
            CallLog.InterpreterFailed(_logger, CallId, utterance.Failure);
            if (await CountFailureAsync("interpreter", utterance.Failure))
            {
                return;
            }
        }
        else if (utterance.Interpreter != "rules")
        {
            _consecutiveFailures.Remove("interpreter");
        }

        var conversation = _conversation;
        await RunAsync(() => conversation.OnUtterance(utterance.Transcript, UtteranceInterpreters.FromMessage(utterance)));
    }

    public Task<CallOutcome?> GetOutcomeAsync() => Task.FromResult(_outcome);

    public Task<CallRecord?> GetRecordAsync() =>
        Task.FromResult(_completedRecord ?? (_outcome is { } outcome ? BuildRecord(outcome, _timings.Turns, outcome.EndedAt, recordingPath: null) : null));

    public Task<CallRecord?> CompleteRecordAsync(CallMediaFacts media)
    {
        ArgumentNullException.ThrowIfNull(media);
        if (_completedRecord is not null || _outcome is null)
        {
            return Task.FromResult(_completedRecord);   // stored once; a retried end changes nothing
        }

        var turns = _timings.WithFirstFrames(media);

        // The line closes after the outcome is known (the goodbye still plays): the call ends with the line.
        var endedAt = media.EndedAt > _outcome.EndedAt ? media.EndedAt : _outcome.EndedAt;
        _completedRecord = BuildRecord(_outcome, turns, endedAt, media.RecordingPath);
        _records?.Submit(_completedRecord);
        return Task.FromResult<CallRecord?>(_completedRecord);
    }

    /// <summary>
    /// Stores the call as it stands (<see cref="CallRecordReasons.InProgress"/>), so a process killed mid-call leaves a
    /// record with what was collected and the recording; the final record replaces it. Once per state change.
    /// </summary>
    private void SubmitDraft()
    {
        if (_records is null || _conversation is null || _outcome is not null)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var draft = new CallOutcome(
            CallId, CallOutcomeKind.Error, CallRecordReasons.InProgress, new Dictionary<string, string>(_conversation.Slots),
            [.. _conversation.VisitedStates], _start?.ConnectedAt ?? now, now);
        _records.Submit(BuildRecord(draft, _timings.Turns, now, _start?.RecordingPath));
    }

    private CallRecord BuildRecord(CallOutcome outcome, IReadOnlyList<TurnTiming> turns, DateTimeOffset endedAt, string? recordingPath) => new(
        CallId, _start?.GatewaySilo ?? RuntimeIdentity, _start?.RemoteEndPoint, outcome.Slots.GetValueOrDefault("phone"),
        outcome.StartedAt, endedAt, outcome.Outcome, outcome.EndReason, outcome.Slots, outcome.VisitedStates,
        [.. _history], turns, [.. _providerErrors], recordingPath);

    public Task<CallSnapshot> GetSnapshotAsync() => Task.FromResult(new CallSnapshot(
        CallId,
        State,
        new Dictionary<string, string>(_conversation?.Slots ?? new Dictionary<string, string>()),
        _history.ToArray(),
        _outcome,
        RuntimeIdentity,
        _silenceTimer is not null || _recording is not null,
        _speech.InSpeech || _recording is { InSpeech: true }));

    public async Task OnTimerAsync(CallTimer timer, int generation)
    {
        if (_conversation is null || _conversation.IsEnded)
        {
            return;
        }

        switch (timer)
        {
            case CallTimer.MaxDuration:
                AddTurn(Speaker.Bot, TurnKind.Event, "max-duration");
                await RunAsync(() => _conversation.OnMaxDuration());
                return;

            case CallTimer.SilenceReprompt or CallTimer.SilenceGiveUp when generation == _timerGeneration:
                CallLog.SilenceTimeout(_logger, CallId, timer);
                // A recording open this long without a voice is silence too: what it holds is noise, and it opens
                // again after « Allô ? ».
                var recordAgain = _recording is not null ? CloseRecording() : null;
                await SyncInboundAudioAsync();
                await OnCallerSilentAsync(recordAgain);
                return;

            case CallTimer.RecordingLimit when generation == _recordingGeneration && _recording is not null:
                await FinishRecordingAsync();
                return;

            default:
                return;   // a stale timer: the caller did something meanwhile
        }
    }

    private async Task OnMediaAsync(InboundMedia media, StreamSequenceToken? token)
    {
        if (_conversation is null || _conversation.IsEnded || _lineClosed)
        {
            CallLog.MediaIgnored(_logger, CallId, media.Sequence);
            return;
        }

        if (media.SkippedSamples > 0 && media.SampleRate > 0)
        {
            _speechSession?.Skip(TimeSpan.FromSeconds((double)media.SkippedSamples / media.SampleRate));
            _recording?.WriteSilence(media.SkippedSamples);   // the quiet kept back, where it was
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
        CallLog.Dtmf(_logger, CallId, digit);
        AddTurn(Speaker.Caller, TurnKind.Dtmf, digit.ToString());
        _timings.Input(State, "dtmf", digit.ToString(), _time.GetUtcNow());
        OnCallerActivity();
        CallerAnswered();

        if (_recording is not null)
        {
            await FinishRecordingAsync(heardKey: true);   // '#' (or any key) ends the recording
            return;
        }

        if (_pendingPlayback.Count > 0 && _sink is not null)
        {
            // Type-ahead: a key pressed during a prompt answers it; the rest of the prompt is not needed.
            _pendingPlayback.Clear();
            await _sink.FlushAsync();
        }

        var conversation = _conversation!;
        await RunAsync(() => conversation.OnDtmf(digit));
    }

    private async Task OnAudioAsync(byte[] audio, int sampleRate)
    {
        _speechSession?.Feed(audio);   // the caller's voice and the audio around it, recordings included (Speech:RecognizerAudio)
        if (_recording is not null)
        {
            // The recording ends on its timer, not on bytes received.
            var recordingChange = _recording.Write(audio, sampleRate);

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

        var change = _speech.Process(audio, sampleRate);
        if (_speech.LastFrameLoud)
        {
            _lastVoiceAt = _time.GetUtcNow();
        }

        if (change == SpeechChange.Started)
        {
            OnCallerActivity();   // the caller is talking: not silent
        }
        else if (change == SpeechChange.Ended && _speechSession is not null)
        {
            // The recognizer's end of turn decides (a transcript, or nothing); this only notices the end of the noise.
            // No Finalize here: Deepgram's endpointing (300 ms) ends a turn sooner than this detector (800 ms) would.
            // While the answer is being interpreted the caller is not silent: the reply will restart the count.
            if (!_resumeAfterBargeIn && !_interpreting)
            {
                await GuardAsync(ListenAsync);
            }
        }
        else if (change == SpeechChange.Ended && _resumeAfterBargeIn && _conversation!.Expecting is null)
        {
            await ResumeAfterBargeInAsync();
        }
        else if (change == SpeechChange.Ended && _pendingPlayback.Count == 0 && _conversation!.Expecting is not null)
        {
            // Speech in a keypad state with nothing to transcribe it: say so and re-prompt (counts as one attempt).
            _resumeAfterBargeIn = false;
            CallerTurnEndedWithoutInput();
            AddTurn(Speaker.Caller, TurnKind.Event, "speech-not-understood");
            _timings.Input(State, "speech", null, _lastVoiceAt ?? _time.GetUtcNow());
            var conversation = _conversation;
            await RunAsync(conversation.OnUnintelligibleSpeech);
        }
        else if (change == SpeechChange.Ended)
        {
            await GuardAsync(ListenAsync);
        }
    }

    private async Task FinishRecordingAsync(bool heardKey = false)
    {
        var recording = _recording!;
        var pcm = recording.ToArray();
        var request = CloseRecording();
        await SyncInboundAudioAsync();
        string? clip = null;
        if (recording.HeardSpeech && pcm.Length > 0)
        {
            clip = await _clips.WriteAsync(CallId, request.Slot, pcm, recording.SampleRate, _time.GetUtcNow());
        }

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
        CancelSilenceTimer();
        if (_nextSilence == CallTimer.SilenceGiveUp)
        {
            await RunAsync(() => conversation.OnSilence(SilenceLevel.GiveUp), afterInput: false);
            return;
        }

        CallerTurnEndedWithoutInput();
        // The rest of the silence is counted once « Allô ? » has been heard, not while it plays.
        _nextSilence = CallTimer.SilenceGiveUp;
        _recordingRequest = recordAgain;
        await RunAsync(() => conversation.OnSilence(SilenceLevel.Reprompt));
    }

    /// <summary>Closes the open recording and its limit timer; returns what was asked for.</summary>
    private StartRecording CloseRecording()
    {
        var request = _recording?.Request ?? _recordingRequest!;
        _recording = null;
        _recordingRequest = null;
        _recordingGeneration++;
        _recordingLimitTimer?.Dispose();
        _recordingLimitTimer = null;
        return request;
    }

    /// <summary>Runs one conversation event and carries out its actions; then listens if nothing is left to play.</summary>
    private Task RunAsync(Func<IReadOnlyList<ConversationAction>> step, bool afterInput = true) => GuardAsync(async () =>
    {
        await ApplyAsync(step());
        if (_pendingPlayback.Count == 0 && afterInput)
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

        await ApplyAsync(_conversation.OnPromptsPlayed());
        if (_pendingPlayback.Count == 0)
        {
            await ListenAsync();
        }
    }

    /// <summary>The bot has said everything: start the pending recording, or wait for the caller with the silence timers.</summary>
    private async Task ListenAsync()
    {
        if (_conversation is null || _conversation.IsEnded || _lineClosed)
        {
            return;
        }

        if (_recordingRequest is not null && _recording is null)
        {
            _recording = new CallerRecording(_recordingRequest, _options, _start?.SampleRate ?? 8000);
            // Both limits run on the clock: a caller who sends a trickle of frames, or none, is silent all the same.
            _recordingGeneration++;
            _recordingLimitTimer = _time.CreateTimer(
                FireTimer, (CallTimer.RecordingLimit, _recordingGeneration), _recordingRequest.MaxDuration, Timeout.InfiniteTimeSpan);
            ArmSilenceTimer();
            await SyncInboundAudioAsync();
            return;
        }

        if (_conversation.Expecting is not null && _silenceTimer is null && !_speech.InSpeech)
        {
            ArmSilenceTimer();
        }

        await SyncInboundAudioAsync();
    }

    private async Task ApplyAsync(IReadOnlyList<ConversationAction> actions)
    {
        // What this turn started with: a hang-up or a barge-in that lands while it awaits changes them.
        var bargeIns = _bargeIns;
        var lineClosed = _lineClosed;
        foreach (var action in actions)
        {
            if (_lineClosed && !lineClosed)
            {
                return;   // the caller hung up meanwhile: the hang-up ran its own actions; the rest of this turn is moot
            }

            if (action is SayPhrases or SayText && _bargeIns != bargeIns)
            {
                continue;   // the caller barged in: the bot stays quiet until their turn ends (ResumeAfterBargeInAsync)
            }

            switch (action)
            {
                case EnterState enter:
                    CallLog.StateChanged(_logger, CallId, enter.From, enter.To);
                    AddTurn(Speaker.Bot, TurnKind.Event, "state:" + enter.To);
                    SubmitDraft();
                    break;

                case SayPhrases say:
                    foreach (var key in say.PhraseKeys)
                    {
                        if (_bargeIns != bargeIns)
                        {
                            break;
                        }

                        await PlayPhraseAsync(key);
                    }

                    break;

                case SayText text:
                    await SpeakTextAsync(text);
                    break;

                case StartRecording record:
                    _recordingRequest = record;
                    break;

                case RunCheck check:
                    var available = await CheckAsync(check.Check);
                    AddTurn(Speaker.Bot, TurnKind.Event, $"check:{check.Check}={(available ? "available" : "busy")}");
                    await ApplyAsync(_conversation!.OnCheckResult(check.Check, available));
                    break;

                case EndCall end:
                    await EndAsync(end);
                    break;
            }
        }
    }

    /// <summary>
    /// Says text that is no fixed phrase: from this silo's cache when it was said before, else synthesized now and
    /// streamed, each chunk resampled (filter state carried along) and sent as it arrives, so the caller hears the
    /// start before the synthesis ends. A voice that fails before its first chunk is replaced by the fallback voice.
    /// </summary>
    private async Task SpeakTextAsync(SayText say)
    {
        AddTurn(Speaker.Bot, TurnKind.Text, say.Text);
        if (_lineClosed || _sink is null)
        {
            return;
        }

        var rate = _start!.SampleRate;
        var id = ++_nextPlaybackId;
        _pendingPlayback.Add(id);
        _timings.Reply(id, say.Label, _time.GetUtcNow());
        CancelSilenceTimer();
        foreach (var voice in new[] { _synthesizer, _fallbackSynthesizer })
        {
            if (voice is null)
            {
                continue;
            }

            var voiceKey = $"{voice.Voice.Engine}/{voice.Voice.Name}/{voice.Voice.Settings}";
            if (_spokenCache.TryGet(voiceKey, rate, say.Text, out var cached))
            {
                await SendAsync(new PlaybackItem(id, say.Label, cached, rate));
                return;
            }

            _speakingCts?.Dispose();
            _speakingCts = new CancellationTokenSource();
            var (sent, pcm) = await StreamTextAsync(voice, say, id, rate, _speakingCts.Token);
            if (pcm is not null)
            {
                _spokenCache.Add(voiceKey, rate, say.Text, pcm);
                _consecutiveFailures.Remove("synthesizer");
                return;
            }

            if (sent || _speakingCts.IsCancellationRequested || await CountFailureAsync("synthesizer", _lastSynthesisError ?? "synthesis failed"))
            {
                return;   // interrupted, or failed mid-sentence (never repeated), or too many failures
            }
        }

        _pendingPlayback.Remove(id);
    }

    /// <summary>Streams one synthesis to the gateway. Returns whether any audio was sent, and the whole audio when it completed.</summary>
    private async Task<(bool Sent, byte[]? Pcm)> StreamTextAsync(ISpeechSynthesizer voice, SayText say, int id, int rate, CancellationToken cancellationToken)
    {
        using var whole = new MemoryStream();
        var sent = false;
        ResamplerState? state = null;
        var sourceRate = voice.Voice.SampleRate;
        try
        {
            await foreach (var chunk in voice.SynthesizeAsync(say.Text, cancellationToken))
            {
                if (!sent)
                {
                    _timings.TtsFirstByte(_time.GetUtcNow());
                }

                sourceRate = chunk.SampleRate;
                var pcm = chunk.SampleRate == rate
                    ? chunk.Pcm.ToArray()
                    : await ResampleAsync(chunk.Pcm.ToArray(), chunk.SampleRate, rate, final: false);
                whole.Write(pcm);
                await SendAsync(new PlaybackItem(id, say.Label, pcm, rate, MoreFollows: true));   // heard while the rest is synthesized
                sent = true;
            }

            var tail = state is null ? [] : await ResampleAsync([], sourceRate, rate, final: true);
            whole.Write(tail);
            await SendAsync(new PlaybackItem(id, say.Label, tail, rate));   // the last chunk closes the stream
            return (true, whole.ToArray());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (sent, null);
        }
        catch (Exception ex) when (ex is ProviderUnavailableException or SpeechSynthesisException or HttpRequestException)
        {
            CallLog.SynthesisFailed(_logger, CallId, voice.Voice.Engine, ex.Message);
            _lastSynthesisError = $"{voice.Voice.Engine}: {ex.Message}";
            if (sent)
            {
                await SendAsync(new PlaybackItem(id, say.Label, [], rate));   // close the stream with what was heard
            }

            return (sent, null);
        }

        async Task<byte[]> ResampleAsync(byte[] pcm, int from, int to, bool final)
        {
            var result = await _resampler.ResampleAsync(new ResampleRequest(pcm, from, to, state, final), cancellationToken);
            state = result.State;
            return result.Pcm;
        }
    }

    private async Task SendAsync(PlaybackItem item)
    {
        if (_sink is not { } sink)
        {
            return;
        }

        try
        {
            await sink.PlayAsync(item);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            CallLog.SinkLost(_logger, CallId, ex.Message, ex);
            _lineClosed = true;
            _sink = null;
        }
    }

    private async Task PlayPhraseAsync(string key)
    {
        AddTurn(Speaker.Bot, TurnKind.Phrase, key);
        if (_lineClosed || _sink is null)
        {
            return;
        }

        PhraseAudio phrase;
        try
        {
            phrase = await GrainFactory.GetGrain<IPhraseCacheGrain>(0).GetAsync(key, _start!.SampleRate);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            CallLog.PhraseFailed(_logger, CallId, key, ex.Message, ex);
            return;   // a missing phrase is skipped; the flow goes on
        }

        if (_lineClosed || _sink is not { } sink)
        {
            return;   // hung up while the phrase was looked up: nothing to play it to, nothing went wrong
        }

        var id = ++_nextPlaybackId;
        _pendingPlayback.Add(id);
        _timings.Reply(id, key, _time.GetUtcNow());
        CancelSilenceTimer();   // the bot is talking: silence is counted from when it stops
        try
        {
            await sink.PlayAsync(new PlaybackItem(id, key, phrase.Pcm, phrase.SampleRate));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _pendingPlayback.Remove(id);
            CallLog.SinkLost(_logger, CallId, ex.Message, ex);
            _lineClosed = true;
            _sink = null;
        }
    }

    private async Task<bool> CheckAsync(string check)
    {
        if (!string.Equals(check, "technician", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TechnicianCheckTimeout);
            return await _technicians.IsAvailableAsync(CallId, timeout.Token);
        }
        catch (Exception ex)
        {
            CallLog.TechnicianCheckFailed(_logger, CallId, ex.Message, ex);
            return false;
        }
    }

    private async Task EndAsync(EndCall end)
    {
        CancelSilenceTimer();
        _maxDurationTimer?.Dispose();
        if (_recording is not null)
        {
            CloseRecording();
        }

        _recordingRequest = null;
        var now = _time.GetUtcNow();
        var started = _start?.ConnectedAt ?? now;
        _outcome = new CallOutcome(
            CallId,
            end.Outcome,
            end.Reason,
            new Dictionary<string, string>(_conversation!.Slots),
            _conversation.VisitedStates.ToArray(),
            started,
            now);
        AddTurn(Speaker.Bot, TurnKind.Event, $"end:{end.Outcome}:{end.Reason}");
        CallLog.Ended(_logger, CallId, end.Outcome, end.Reason, (now - started).TotalSeconds);
        _metrics.Ended(end.Outcome.ToString());

        if (end.Outcome == CallOutcomeKind.Transfer && !_lineClosed && _sink is not null && _pendingPlayback.Count > 0)
        {
            _transferPending = true;   // hand the caller over once « je vous transfère » has been heard
            return;
        }

        if (end.Outcome == CallOutcomeKind.Transfer && !_lineClosed && _sink is not null)
        {
            await TransferAsync();
            return;
        }

        if (!_lineClosed && _sink is not null)
        {
            try
            {
                await _sink.HangUpAsync();   // after the goodbye has played
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                CallLog.SinkLost(_logger, CallId, ex.Message, ex);
            }
        }
    }

    /// <summary>
    /// The transfer outcome: an active transfer path (AMI Redirect) takes the caller over and Asterisk closes the socket;
    /// otherwise the bot hangs up and the dialplan routes on the outcome. Never leaves the call hanging either way.
    /// </summary>
    private async Task TransferAsync()
    {
        _transferPending = false;
        var sink = _sink;
        if (_lineClosed || sink is null || _outcome is null)
        {
            return;
        }

        var transferred = false;
        try
        {
            using var timeout = new CancellationTokenSource(TechnicianCheckTimeout);
            transferred = await _transfer.TransferAsync(CallId, _outcome.Slots, timeout.Token);
        }
        catch (Exception ex)
        {
            CallLog.TransferFailed(_logger, CallId, ex.Message, ex);
        }

        if (transferred)
        {
            AddTurn(Speaker.Bot, TurnKind.Event, "transferred");
            return;   // Asterisk moved the channel: the socket closes from its side
        }

        try
        {
            await sink.HangUpAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            CallLog.SinkLost(_logger, CallId, ex.Message, ex);
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
            CallLog.Failed(_logger, CallId, ex.Message, ex);
            if (_conversation is { IsEnded: false })
            {
                try
                {
                    await ApplyAsync(_conversation.OnFailure("internal-error"));
                }
                catch (Exception inner) when (inner is not OperationCanceledException)
                {
                    CallLog.Failed(_logger, CallId, inner.Message, inner);
                }
            }
        }
    }

    private const string SpeechUnavailablePhrase = "stt_unavailable";

    /// <summary>A spoken turn is over: hand the words to the interpreters, off the grain, and wait for their answer.</summary>
    private async Task EndSpokenTurnAsync()
    {
        var transcript = _heard.ToString().Trim();
        _heard.Clear();
        _providerHeardSpeech = false;
        if (transcript.Length == 0 || _conversation is null)
        {
            CallerTurnEndedWithoutInput();
            return;
        }

        AddTurn(Speaker.Caller, TurnKind.Text, transcript);
        var now = _time.GetUtcNow();
        _timings.Input(State, "speech", transcript, _lastVoiceAt is { } voice && voice <= now ? voice : now, now);
        var conversation = _conversation;
        if (conversation.Expecting is ExpectedInput.Recording or null)
        {
            // A name said during the recording is kept as text too; in a state that asks nothing, words only resume it.
            await RunAsync(() => conversation.OnUtterance(transcript), afterInput: false);
            await ResumeAfterBargeInAsync();
            return;
        }

        _resumeAfterBargeIn = false;
        var turn = ++_turn;
        var context = new InterpretationContext(
            CallId,
            conversation.CurrentState,
            conversation.Expecting,
            _assets.Flow.States.TryGetValue(conversation.CurrentState, out var state) ? state.Options.Where(o => o.Intent is not null).Select(o => o.Intent!.Value).ToArray() : [],
            new Dictionary<string, string>(conversation.Slots),
            _assets.Flow.Language);
        var self = this.AsReference<ICallSpeechTarget>();
        var interpreters = _interpreters;
        CancelInterpretation();
        _interpreting = true;
        _interpretationStartedAt = _time.GetUtcNow();
        _interpretingCts = new CancellationTokenSource();
        var token = _interpretingCts.Token;
        _ = Task.Run(async () =>
        {
            try
            {
                await self.OnInterpretedAsync(await interpreters.InterpretAsync(turn, transcript, context, token));
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Superseded by a newer turn, an interruption or the end of the call.
            }
        });
    }

    /// <summary>
    /// The second barge-in signal, from the recognizer (the gateway's detector is the first, and the faster):
    /// Deepgram's SpeechStarted confirmed by a transcribed word, or two words. SpeechStarted alone also fires on the
    /// line echo of the bot's own voice and on noise; a lone word may be that echo transcribed.
    /// </summary>
    private async Task BargeInOnWordsAsync(string transcript)
    {
        var words = transcript.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (_pendingPlayback.Count == 0 || _sink is null || words < (_providerHeardSpeech ? 1 : 2))
        {
            return;
        }

        await _sink.FlushAsync();
        _bargeInByWords = true;
        await OnBargeInAsync();
    }

    /// <summary>After an interruption that answered nothing: move on from a statement, or ask the question again.</summary>
    private async Task ResumeAfterBargeInAsync()
    {
        if (!_resumeAfterBargeIn || _conversation is null || _conversation.IsEnded || _pendingPlayback.Count > 0)
        {
            return;
        }

        _resumeAfterBargeIn = false;
        CallerTurnEndedWithoutInput();
        var conversation = _conversation;
        if (conversation.Expecting is ExpectedInput.Choice or ExpectedInput.PhoneNumber && _assets.Flow.States.TryGetValue(conversation.CurrentState, out var state))
        {
            await GuardAsync(async () =>
            {
                foreach (var key in state.Prompts)
                {
                    await PlayPhraseAsync(key);
                }
            });
        }
        else
        {
            await GuardAsync(OnPromptsPlayedAsync);
        }
    }

    /// <summary>One more failure of a provider in a row; at the limit, apologise and end the call. Returns true when it ended.</summary>
    private async Task<bool> CountFailureAsync(string provider, string message)
    {
        var kind = ProviderErrorKinds.Classify(message);
        _providerErrors.Add(new ProviderError(_time.GetUtcNow(), provider, kind, message));
        _metrics.ProviderFailed(provider, kind);
        var failures = _consecutiveFailures[provider] = _consecutiveFailures.GetValueOrDefault(provider) + 1;
        if (failures < _speechOptions.MaxConsecutiveFailures || _conversation is null)
        {
            return false;
        }

        var conversation = _conversation;
        await RunAsync(() => conversation.OnFailure("provider-failures"), afterInput: false);
        return true;
    }

    private void CancelInterpretation()
    {
        if (_interpretingCts is { } cts)
        {
            _interpretingCts = null;
            _interpreting = false;
            cts.Cancel();   // not disposed: the interpretation may still be registering on its token
        }
    }

    private async Task StopRecognitionAsync()
    {
        if (_speechSession is { } session)
        {
            _speechSession = null;
            _speechSessionId++;
            await session.DisposeAsync();
            _metrics.RecognizerAudioSkipped(session.Skipped);
        }
    }

    /// <summary>The current state's silence timeouts (the flow may lengthen them, e.g. while the caller restarts a box), else the call's.</summary>
    private (TimeSpan Reprompt, TimeSpan GiveUp) SilenceTimeouts()
    {
        var state = _conversation is null ? null : _assets.Flow.States.GetValueOrDefault(_conversation.CurrentState);
        return state is { SilenceReprompt: { } reprompt, SilenceGiveUp: { } giveUp }
            ? (reprompt, giveUp)
            : (_options.SilenceReprompt, _options.SilenceGiveUp);
    }

    /// <summary>Starts counting the caller's silence: to « Allô ? », or after it to goodbye.</summary>
    private void ArmSilenceTimer()
    {
        var (reprompt, giveUp) = SilenceTimeouts();
        var due = _nextSilence == CallTimer.SilenceReprompt ? reprompt : giveUp - reprompt;
        CancelSilenceTimer();
        _silenceTimer = _time.CreateTimer(FireTimer, (_nextSilence, _timerGeneration), due, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The caller did something (a key, speech): the silence count starts again from « Allô ? ».</summary>
    private void OnCallerActivity()
    {
        _nextSilence = CallTimer.SilenceReprompt;
        CancelSilenceTimer();
    }

    private void CancelSilenceTimer()
    {
        _timerGeneration++;
        _silenceTimer?.Dispose();
        _silenceTimer = null;
    }

    /// <summary>Runs on the clock's thread: hand the tick to the grain through its mailbox.</summary>
    private void FireTimer(object? state)
    {
        var (timer, generation) = ((CallTimer, int))state!;
        _self?.OnTimerAsync(timer, generation).Ignore();
    }

    private void AddTurn(Speaker speaker, TurnKind kind, string content) =>
        _history.Add(new ConversationTurn(_time.GetUtcNow(), speaker, kind, content, State));
}
