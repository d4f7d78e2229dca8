using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Streams;
using Voicebot.Abstractions;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Phrases;
using Voicebot.Abstractions.Technicians;
using Voicebot.Audio;
using Voicebot.Conversation;
using Voicebot.Grains.Conversation;

namespace Voicebot.Grains.Calls;

/// <summary>
/// One call: runs the <see cref="CallConversation"/> state machine, turns its actions into phrases played through the
/// gateway's <see cref="ICallMediaSink"/>, and keeps the history. Placed on the silo whose gateway made the first
/// call, i.e. next to the socket. Inbound media arrives on the call's stream (implicit subscription).
/// </summary>
[PreferLocalPlacement]
[ImplicitStreamSubscription(StreamNames.CallMedia)]
public sealed class CallGrain : Grain, ICallGrain, ICallTimerTarget
{
    private static readonly TimeSpan TechnicianCheckTimeout = TimeSpan.FromSeconds(3);

    private readonly ConversationAssets _assets;
    private readonly CallOptions _options;
    private readonly ConversationOptions _conversationOptions;
    private readonly ITechnicianAvailability _technicians;
    private readonly TimeProvider _time;
    private readonly ContentPaths _paths;
    private readonly ILogger<CallGrain> _logger;
    private readonly List<ConversationTurn> _history = [];
    private readonly HashSet<int> _pendingPlayback = [];
    private readonly CallerSpeechTracker _speech;

    private CallConversation? _conversation;
    private ICallMediaSink? _sink;
    private CallStart? _start;
    private CallOutcome? _outcome;
    private int _nextPlaybackId;
    private bool _lineClosed;

    private StartRecording? _recordingRequest;
    private MemoryStream? _recording;
    private CallerSpeechTracker? _recordingSpeech;
    private TimeSpan _recorded;
    private int _silentRecordings;

    private ICallTimerTarget? _self;
    private ITimer? _silenceTimer;
    private ITimer? _maxDurationTimer;
    private int _timerGeneration;

    public CallGrain(
        ConversationAssets assets,
        IOptions<CallOptions> options,
        IOptions<ConversationOptions> conversationOptions,
        ITechnicianAvailability technicians,
        CallClock clock,
        ContentPaths paths,
        ILogger<CallGrain> logger)
    {
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
    }

    private Guid CallId => this.GetPrimaryKey();

    private string State => _conversation?.CurrentState ?? "NEW";

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _self = this.AsReference<ICallTimerTarget>();   // timer callbacks run off the grain's thread: they may only send it messages
        var stream = this.GetStreamProvider(StreamNames.Provider)
            .GetStream<InboundMedia>(StreamId.Create(StreamNames.CallMedia, CallId));
        await stream.SubscribeAsync(OnMediaAsync);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        CancelSilenceTimer();
        _maxDurationTimer?.Dispose();
        return Task.CompletedTask;
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

        await RunAsync(() => _conversation.Start());
    }

    public async Task OnPlaybackFinishedAsync(int playbackId)
    {
        if (_pendingPlayback.Remove(playbackId) && _pendingPlayback.Count == 0)
        {
            await GuardAsync(OnPromptsPlayedAsync);
        }
    }

    public async Task HangUpAsync(HangupReason reason)
    {
        CallLog.GatewayHangup(_logger, CallId, reason);
        _lineClosed = true;
        _sink = null;
        _pendingPlayback.Clear();
        CancelSilenceTimer();
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
        // The gateway has already flushed the bot's audio; nothing queued will be reported as played.
        _pendingPlayback.Clear();
        AddTurn(Speaker.Caller, TurnKind.Event, "barge-in");
        return Task.CompletedTask;
    }

    public Task<CallOutcome?> GetOutcomeAsync() => Task.FromResult(_outcome);

    public Task<CallSnapshot> GetSnapshotAsync() => Task.FromResult(new CallSnapshot(
        CallId,
        State,
        new Dictionary<string, string>(_conversation?.Slots ?? new Dictionary<string, string>()),
        _history.ToArray(),
        _outcome,
        RuntimeIdentity,
        _silenceTimer is not null || _recording is not null));

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

            case CallTimer.SilenceReprompt when generation == _timerGeneration:
                CallLog.SilenceTimeout(_logger, CallId, timer);
                AddTurn(Speaker.Caller, TurnKind.Event, "silence");
                var (reprompt, giveUp) = SilenceTimeouts();
                ArmSilenceTimer(CallTimer.SilenceGiveUp, giveUp - reprompt);
                await RunAsync(() => _conversation.OnSilence(SilenceLevel.Reprompt), afterInput: false);
                return;

            case CallTimer.SilenceGiveUp when generation == _timerGeneration:
                CallLog.SilenceTimeout(_logger, CallId, timer);
                AddTurn(Speaker.Caller, TurnKind.Event, "silence");
                CancelSilenceTimer();
                await RunAsync(() => _conversation.OnSilence(SilenceLevel.GiveUp), afterInput: false);
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
        CancelSilenceTimer();

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
        if (_recording is not null)
        {
            var recordingChange = _recordingSpeech!.Process(audio, sampleRate);
            _recording.Write(audio);
            _recorded += TimeSpan.FromSeconds(audio.Length / 2.0 / sampleRate);
            var request = _recordingRequest!;
            if (recordingChange == SpeechChange.Ended || _recorded >= request.MaxDuration)
            {
                await FinishRecordingAsync();
            }

            return;
        }

        var change = _speech.Process(audio, sampleRate);

        if (change == SpeechChange.Started)
        {
            CancelSilenceTimer();   // the caller is talking: not silent
        }
        else if (change == SpeechChange.Ended && _pendingPlayback.Count == 0 && _conversation!.Expecting is not null)
        {
            // Speech in a keypad state with nothing to transcribe it: say so and re-prompt (counts as one attempt).
            AddTurn(Speaker.Caller, TurnKind.Event, "speech-not-understood");
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
        var request = _recordingRequest!;
        var recording = _recording!;
        _recording = null;
        _recordingRequest = null;
        string? clip = null;
        if (_recordingSpeech!.HeardSpeech && recording.Length > 0)
        {
            clip = await WriteClipAsync(request.Slot, recording.ToArray());
        }

        await recording.DisposeAsync();
        AddTurn(Speaker.Caller, TurnKind.AudioClip, clip ?? "(nothing said)");
        var conversation = _conversation!;
        if (clip is null && !heardKey)
        {
            // No voice and no key for the whole recording: the caller is silent, not misunderstood.
            // First time « Allô, vous êtes là ? » and record again; second time, goodbye.
            AddTurn(Speaker.Caller, TurnKind.Event, "silence");
            if (++_silentRecordings >= 2)
            {
                await RunAsync(() => conversation.OnSilence(SilenceLevel.GiveUp), afterInput: false);
                return;
            }

            _recordingRequest = request;
            await RunAsync(() => conversation.OnSilence(SilenceLevel.Reprompt));
            return;
        }

        _silentRecordings = 0;
        await RunAsync(() => conversation.OnRecordingCompleted(clip));
    }

    private async Task<string?> WriteClipAsync(string slot, byte[] pcm)
    {
        var rate = _start?.SampleRate ?? 8000;
        var day = _time.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var relative = Path.Combine(_options.ClipDirectory, day, $"{CallId:D}-{slot}.wav");
        var path = _paths.Resolve(relative);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 4096, useAsync: true))
            {
                await WavFile.WriteAsync(file, pcm, rate);
            }

            CallLog.ClipRecorded(_logger, CallId, slot, pcm.Length / 2 * 1000 / rate, path);
            return path;
        }
        catch (IOException ex)
        {
            CallLog.ClipWriteFailed(_logger, CallId, path, ex.Message, ex);
            return null;
        }
        catch (UnauthorizedAccessException ex)
        {
            CallLog.ClipWriteFailed(_logger, CallId, path, ex.Message, ex);
            return null;
        }
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
    private Task ListenAsync()
    {
        if (_conversation is null || _conversation.IsEnded || _lineClosed)
        {
            return Task.CompletedTask;
        }

        if (_recordingRequest is not null && _recording is null)
        {
            _recording = new MemoryStream();
            _recorded = TimeSpan.Zero;
            _recordingSpeech = new CallerSpeechTracker(_options.SpeechThresholdDbfs, _options.MinSpeech, _recordingRequest.EndSilence);
            return Task.CompletedTask;
        }

        if (_conversation.Expecting is not null && _silenceTimer is null && !_speech.InSpeech)
        {
            var (reprompt, _) = SilenceTimeouts();
            ArmSilenceTimer(CallTimer.SilenceReprompt, reprompt);
        }

        return Task.CompletedTask;
    }

    private async Task ApplyAsync(IReadOnlyList<ConversationAction> actions)
    {
        foreach (var action in actions)
        {
            switch (action)
            {
                case EnterState enter:
                    CallLog.StateChanged(_logger, CallId, enter.From, enter.To);
                    AddTurn(Speaker.Bot, TurnKind.Event, "state:" + enter.To);
                    break;

                case SayPhrases say:
                    foreach (var key in say.PhraseKeys)
                    {
                        await PlayPhraseAsync(key);
                    }

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

        var id = ++_nextPlaybackId;
        _pendingPlayback.Add(id);
        try
        {
            await _sink.PlayAsync(new PlaybackItem(id, key, phrase.Pcm, phrase.SampleRate));
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
        _recording = null;
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

    /// <summary>The current state's silence timeouts (the flow may lengthen them, e.g. while the caller restarts a box), else the call's.</summary>
    private (TimeSpan Reprompt, TimeSpan GiveUp) SilenceTimeouts()
    {
        var state = _conversation is null ? null : _assets.Flow.States.GetValueOrDefault(_conversation.CurrentState);
        return state is { SilenceReprompt: { } reprompt, SilenceGiveUp: { } giveUp }
            ? (reprompt, giveUp)
            : (_options.SilenceReprompt, _options.SilenceGiveUp);
    }

    private void ArmSilenceTimer(CallTimer timer, TimeSpan due)
    {
        CancelSilenceTimer();
        _silenceTimer = _time.CreateTimer(FireTimer, (timer, _timerGeneration), due, Timeout.InfiniteTimeSpan);
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
