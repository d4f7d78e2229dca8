using Microsoft.Extensions.Logging;
using Voicebot.Abstractions.Audio;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Phrases;
using Voicebot.Abstractions.Speech;
using Voicebot.Conversation;
using Voicebot.Grains.Audio;
using Voicebot.Grains.Speech;

namespace Voicebot.Grains.Calls;

/// <summary>What became of a text the bot was asked to say.</summary>
internal enum SpeechResult
{
    /// <summary>Heard whole (or nothing to say it to: the line is closed).</summary>
    Spoken,

    /// <summary>The turn was interrupted (a barge-in, a hang-up): the caller heard what was sent before.</summary>
    Interrupted,

    /// <summary>The voice failed before any audio: nothing was heard, the failure counts.</summary>
    Failed,

    /// <summary>The voice failed mid-sentence: the caller heard the start; not said again.</summary>
    FailedMidSentence,
}

/// <summary>
/// The bot's side of one call's line: phrases from the phrase cache and synthesized text, each given a playback id the
/// gateway reports back once heard, and the line itself (flush, hang-up, which caller audio to publish). A line that
/// fails (the gateway is gone) is closed here once, logged once, and everything after it is a no-op. Every method
/// checks the line after each await: a hang-up may land on the grain meanwhile. Not thread-safe (the grain's).
/// </summary>
internal sealed class CallPlayback(
    Guid callId,
    int sampleRate,
    ICallMediaSink sink,
    IPhraseCacheGrain phrases,
    IChunkResampler resampler,
    TurnTimings timings,
    TimeProvider time,
    ILogger logger)
{
    private readonly HashSet<int> _pending = [];
    private ICallMediaSink? _sink = sink;
    private int _nextId;
    private InboundAudioDemand? _sentDemand;

    /// <summary>The caller hung up, or the gateway is gone: nothing is played any more.</summary>
    public bool LineClosed => _sink is null;

    /// <summary>Something queued has not been reported as heard yet.</summary>
    public bool IsTalking => _pending.Count > 0;

    /// <summary>The line is gone: nothing queued will be reported, nothing more is played.</summary>
    public void Close()
    {
        _sink = null;
        _pending.Clear();
    }

    /// <summary>The gateway heard a playback through. Returns true when that was the last one queued.</summary>
    public bool Finished(int playbackId) => _pending.Remove(playbackId) && _pending.Count == 0;

    /// <summary>Forgets what is queued without touching the line (the gateway flushed it already: a barge-in).</summary>
    public void Forget() => _pending.Clear();

    /// <summary>Queues a cached phrase. Returns whether it was queued (not when the line closed or the phrase is missing).</summary>
    public async Task<bool> PlayPhraseAsync(string key, CancellationToken turn)
    {
        if (LineClosed)
        {
            return false;
        }

        PhraseAudio phrase;
        try
        {
            phrase = await phrases.GetAsync(key, sampleRate);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            CallLog.PhraseFailed(logger, callId, key, ex.Message, ex);
            return false;   // a missing phrase is skipped; the flow goes on
        }

        if (turn.IsCancellationRequested || _sink is not { } line)
        {
            return false;   // interrupted or hung up while the phrase was looked up: nothing went wrong
        }

        var id = ++_nextId;
        _pending.Add(id);
        timings.Reply(id, key, time.GetUtcNow());
        if (!await SendAsync(line, new PlaybackItem(id, key, phrase.Pcm, phrase.SampleRate)))
        {
            _pending.Remove(id);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Says text that is no fixed phrase through <paramref name="voice"/>: each chunk resampled (filter state carried
    /// along) and sent as it arrives, so the caller hears the start before the synthesis ends. <paramref name="turn"/>
    /// stops it (a barge-in, a hang-up). A failure of the voice comes back with what it said.
    /// </summary>
    public async Task<(SpeechResult Result, string? Failure)> SpeakAsync(ISpeechSynthesizer voice, SayText say, CancellationToken turn)
    {
        if (LineClosed || turn.IsCancellationRequested)
        {
            return (turn.IsCancellationRequested ? SpeechResult.Interrupted : SpeechResult.Spoken, null);
        }

        var id = ++_nextId;
        _pending.Add(id);
        timings.Reply(id, say.Label, time.GetUtcNow());
        var sent = false;
        ResamplerState? state = null;
        var sourceRate = voice.Voice.SampleRate;
        try
        {
            await foreach (var chunk in voice.SynthesizeAsync(say.Text, turn))
            {
                if (!sent)
                {
                    timings.TtsFirstByte(time.GetUtcNow());
                }

                sourceRate = chunk.SampleRate;
                var pcm = chunk.SampleRate == sampleRate ? chunk.Pcm.ToArray() : await ResampleAsync(chunk.Pcm.ToArray(), chunk.SampleRate, chunk.IsWhole);
                sent = true;
                if (chunk.IsWhole)
                {
                    await SendAsync(new PlaybackItem(id, say.Label, pcm, sampleRate));   // served whole: one item
                    return (SpeechResult.Spoken, null);
                }

                await SendAsync(new PlaybackItem(id, say.Label, pcm, sampleRate, MoreFollows: true));   // heard while the rest is synthesized
            }

            var tail = state is null ? [] : await ResampleAsync([], sourceRate, final: true);
            await SendAsync(new PlaybackItem(id, say.Label, tail, sampleRate));   // the last chunk closes the stream
            return (SpeechResult.Spoken, null);
        }
        catch (OperationCanceledException) when (turn.IsCancellationRequested)
        {
            return (SpeechResult.Interrupted, null);
        }
        catch (Exception ex) when (FallbackSpeechSynthesizer.IsVoiceFailure(ex))
        {
            CallLog.SynthesisFailed(logger, callId, voice.Voice.Engine, ex.Message);
            if (!sent)
            {
                _pending.Remove(id);
                return (SpeechResult.Failed, $"{voice.Voice.Engine}: {ex.Message}");
            }

            await SendAsync(new PlaybackItem(id, say.Label, [], sampleRate));   // close the stream with what was heard
            return (SpeechResult.FailedMidSentence, $"{voice.Voice.Engine}: {ex.Message}");
        }

        async Task<byte[]> ResampleAsync(byte[] pcm, int from, bool final)
        {
            var result = await resampler.ResampleAsync(new ResampleRequest(pcm, from, sampleRate, state, final), turn);
            state = result.State;
            return result.Pcm;
        }
    }

    /// <summary>Drops what is queued on the line (a key answered the prompt, the caller's words interrupted it).</summary>
    public async Task FlushAsync()
    {
        if (_sink is { } line)
        {
            await Guarded(line.FlushAsync());
        }
    }

    /// <summary>Hangs up the line (after what is queued has played: the gateway drains first).</summary>
    public async Task HangUpAsync()
    {
        if (_sink is { } line)
        {
            await Guarded(line.HangUpAsync());
        }
    }

    /// <summary>Tells the gateway which caller frames to publish, when that changed.</summary>
    public async Task AskForAudioAsync(InboundAudioDemand demand)
    {
        if (_sink is not { } line || demand == _sentDemand)
        {
            return;
        }

        _sentDemand = demand;
        try
        {
            await line.SetInboundAudioAsync(demand);
        }
        catch (Exception ex)
        {
            // The gateway is gone (the caller hung up): nothing more will be published.
            CallLog.InboundAudioNotSet(logger, callId, ex.Message);
        }
    }

    private Task<bool> SendAsync(PlaybackItem item) => _sink is { } line ? SendAsync(line, item) : Task.FromResult(false);

    private Task<bool> SendAsync(ICallMediaSink line, PlaybackItem item) => Guarded(line.PlayAsync(item));

    /// <summary>A line call that fails means the gateway is gone: the line closes, once.</summary>
    private async Task<bool> Guarded(Task call)
    {
        try
        {
            await call;
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (_sink is not null)
            {
                CallLog.SinkLost(logger, callId, ex.Message, ex);
                Close();
            }

            return false;
        }
    }
}
