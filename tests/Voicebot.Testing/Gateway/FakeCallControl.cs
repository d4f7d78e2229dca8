using System.Collections.Concurrent;
using System.Threading.Channels;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Phrases;
using Voicebot.Abstractions.Records;
using Voicebot.Gateway.Calls;

namespace Voicebot.Testing.Gateway;

/// <summary>
/// A control plane that records what the gateway tells it, per call, and lets a test answer through the call's
/// <see cref="ICallMediaSink"/> (play, flush, hang up). Thread-safe; waiters may be created before the events.
/// </summary>
public sealed class FakeCallControl : ICallControl
{
    private readonly ConcurrentDictionary<Guid, RecordedCall> _calls = new();
    private readonly ConcurrentDictionary<string, PhraseAudio> _phrases = new();

    /// <summary>Runs inside <see cref="StartCallAsync"/> (as a grain's greeting would).</summary>
    public Func<RecordedCall, Task>? OnStarted { get; set; }

    /// <summary>Calls started so far.</summary>
    public int StartedCount => _calls.Values.Count(call => call.Started.Task.IsCompleted);

    /// <summary>Everything recorded for <paramref name="callId"/> (created on first use).</summary>
    public RecordedCall Call(Guid callId) => _calls.GetOrAdd(callId, static id => new RecordedCall(id));

    /// <summary>Makes <see cref="GetPhraseAsync"/> return this audio for <paramref name="phraseKey"/>.</summary>
    public void AddPhrase(string phraseKey, byte[] pcm, int sampleRate = 8000) =>
        _phrases[phraseKey] = new PhraseAudio(phraseKey, phraseKey, pcm, sampleRate);

    public async Task StartCallAsync(Guid callId, CallStart start, ICallMediaSink media, CancellationToken cancellationToken = default)
    {
        var call = Call(callId);
        call.Start = start;
        call.Media = media;
        call.Started.TrySetResult(start);
        if (OnStarted is { } onStarted)
        {
            await onStarted(call);
        }
    }

    public ValueTask PublishAsync(Guid callId, InboundMedia media, CancellationToken cancellationToken = default)
    {
        Call(callId).Inbound.Writer.TryWrite(media);
        return ValueTask.CompletedTask;
    }

    public Task PlaybackFinishedAsync(Guid callId, int playbackId, CancellationToken cancellationToken = default)
    {
        Call(callId).PlaybackFinished.Writer.TryWrite(playbackId);
        return Task.CompletedTask;
    }

    public Task BargeInAsync(Guid callId, CancellationToken cancellationToken = default)
    {
        Call(callId).RecordBargeIn();
        return Task.CompletedTask;
    }

    public Task EndCallAsync(Guid callId, HangupReason? reason, CallMediaFacts media, CancellationToken cancellationToken = default)
    {
        Call(callId).EndFacts = media;
        Call(callId).Ended.TrySetResult(reason);
        return Task.CompletedTask;
    }

    public Task<PhraseAudio> GetPhraseAsync(string phraseKey, int sampleRate, CancellationToken cancellationToken = default) =>
        _phrases.TryGetValue(phraseKey, out var phrase)
            ? Task.FromResult(phrase)
            : Task.FromException<PhraseAudio>(new KeyNotFoundException($"No phrase '{phraseKey}'."));

    /// <summary>One call as the fake control plane saw it.</summary>
    public sealed class RecordedCall(Guid callId)
    {
        /// <summary>The gateway's facts given with the end of the call (frames on the wire, recording).</summary>
        public CallMediaFacts? EndFacts { get; set; }

        private int _bargeInCount;

        public Guid CallId { get; } = callId;

        public CallStart? Start { get; internal set; }

        /// <summary>The gateway's session for this call: play, flush and hang up through it.</summary>
        public ICallMediaSink? Media { get; internal set; }

        public TaskCompletionSource<CallStart> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Inbound audio and DTMF, in publish order.</summary>
        public Channel<InboundMedia> Inbound { get; } = Channel.CreateUnbounded<InboundMedia>();

        public Channel<int> PlaybackFinished { get; } = Channel.CreateUnbounded<int>();

        /// <summary>Completes at the first barge-in the gateway reports.</summary>
        public TaskCompletionSource BargedIn { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Barge-ins the gateway reported.</summary>
        public int BargeInCount => Volatile.Read(ref _bargeInCount);

        /// <summary>The reason given to <see cref="EndCallAsync"/> (null: the bot hung up).</summary>
        public TaskCompletionSource<HangupReason?> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal void RecordBargeIn()
        {
            Interlocked.Increment(ref _bargeInCount);
            BargedIn.TrySetResult();
        }

        public async Task<InboundMedia> ReadInboundAsync(CancellationToken cancellationToken = default) =>
            await Inbound.Reader.ReadAsync(cancellationToken);

        /// <summary>Reads inbound media until a DTMF digit arrives; returns everything read, the digit last.</summary>
        public async Task<IReadOnlyList<InboundMedia>> ReadInboundUntilDtmfAsync(CancellationToken cancellationToken = default)
        {
            var read = new List<InboundMedia>();
            while (true)
            {
                var media = await Inbound.Reader.ReadAsync(cancellationToken);
                read.Add(media);
                if (media.Kind == InboundMediaKind.Dtmf)
                {
                    return read;
                }
            }
        }
    }
}
