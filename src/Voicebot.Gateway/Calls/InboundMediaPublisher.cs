using System.Buffers;
using Voicebot.Abstractions.Calls;

namespace Voicebot.Gateway.Calls;

/// <summary>
/// One call's caller media on its way to the grain's stream: every frame goes first to barge-in and the recording (in
/// the session), then into events (<see cref="InboundAudioBatcher"/>) unless the grain does not need it
/// (<see cref="InboundVoiceGate"/>); keys keep their place among the frames. One per admitted call; not thread-safe
/// (the connection's read loop owns it).
/// </summary>
internal sealed class InboundMediaPublisher(CallSession session, ICallControl control, int framesPerEvent)
{
    private readonly InboundAudioBatcher _batcher = new(framesPerEvent);
    private readonly InboundVoiceGate _gate = new();
    private readonly List<InboundMedia> _ready = [];

    /// <summary>Caller audio kept back from the grain so far, in samples.</summary>
    public long SkippedSamples => _gate.TotalSkippedSamples;

    /// <summary>One audio frame; <paramref name="payload"/> may alias the socket's buffer only until this returns.</summary>
    public async ValueTask OnAudioAsync(ReadOnlySequence<byte> payload, int sampleRate)
    {
        var sequence = session.Inbound.NextSequence();
        _gate.Demand = session.Inbound.Demand;
        if (!_gate.Admit(payload, sampleRate))
        {
            // Far from any voice: the grain does not need it. An event never spans a frame kept back.
            if (_batcher.Flush() is { } before)
            {
                await PublishAsync(before);
            }

            var held = _gate.Hold(sequence, payload, sampleRate);
            session.OnInboundAudio(sequence, held);
            session.Recorder?.WriteCaller(held);
            return;
        }

        // The moments before the voice go first, with the count of the frames kept back.
        _gate.Release(_batcher, _ready);
        if (_batcher.MustFlushBefore((int)payload.Length, sampleRate) && _batcher.Flush() is { } partial)
        {
            _ready.Add(partial);
        }

        foreach (var earlier in _ready)
        {
            await PublishAsync(earlier);
        }

        _ready.Clear();

        // The stream boundary needs an array the consumer owns, and the payload aliases the pipe: the event's array
        // (with its InboundMedia envelope) is the one allocation per event. Barge-in first: a flush must not wait
        // behind the publish's backpressure.
        var pcm = _batcher.Append(sequence, payload, sampleRate);
        session.OnInboundAudio(sequence, pcm);
        session.Recorder?.WriteCaller(pcm);
        if (_batcher.IsFull)
        {
            await PublishAsync(_batcher.Flush()!);
        }
    }

    /// <summary>A key: the audio before it stays before it; held frames are not published after it.</summary>
    public async ValueTask OnDtmfAsync(char digit)
    {
        if (_batcher.Flush() is { } earlier)
        {
            await PublishAsync(earlier);
        }

        _gate.DropHeld();

        await PublishAsync(InboundMedia.ForDtmf(session.Inbound.NextSequence(), digit));
    }

    private ValueTask PublishAsync(InboundMedia media) => control.PublishAsync(session.CallId, media, session.Lifetime);
}
