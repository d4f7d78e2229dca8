using System.Buffers;
using Voicebot.Abstractions.Calls;

namespace Voicebot.Gateway.Calls;

/// <summary>
/// Groups a call's inbound frames into stream events of <c>framesPerEvent</c> frames each
/// (<see cref="AudioSocketOptions.InboundFramesPerEvent"/>). Each hop through the Orleans stream costs about the same
/// whatever its size, so fewer, larger events cut the silo's work per call; the price is that a frame waits for the
/// rest of its event before the grain (and the recognizer) hears it. Barge-in and recording see every frame at once.
/// One per connection; not thread-safe.
/// </summary>
internal sealed class InboundAudioBatcher(int framesPerEvent)
{
    private byte[]? _pending;
    private int _length;
    private int _frames;
    private long _sequence;
    private int _sampleRate;
    private int _skippedSamples;

    /// <summary>The pending event holds <c>framesPerEvent</c> frames: take it with <see cref="Flush"/>.</summary>
    public bool IsFull => _frames == framesPerEvent;

    /// <summary>A frame of <paramref name="length"/> bytes at <paramref name="sampleRate"/> would not fit the pending event.</summary>
    public bool MustFlushBefore(int length, int sampleRate) =>
        _pending is not null && (_length + length > _pending.Length || sampleRate != _sampleRate);

    /// <summary>Copies the frame into the pending event; returns where it now lives.</summary>
    public ReadOnlySpan<byte> Append(long sequence, in ReadOnlySequence<byte> payload, int sampleRate)
    {
        var slot = Reserve(sequence, (int)payload.Length, sampleRate);
        payload.CopyTo(slot);
        return slot;
    }

    /// <inheritdoc cref="Append(long, in ReadOnlySequence{byte}, int)"/>
    public ReadOnlySpan<byte> Append(long sequence, ReadOnlySpan<byte> pcm, int sampleRate)
    {
        var slot = Reserve(sequence, pcm.Length, sampleRate);
        pcm.CopyTo(slot);
        return slot;
    }

    /// <summary>Caller samples kept back before the next event (<see cref="InboundVoiceGate"/>): the event carries the count.</summary>
    public void NoteSkipped(int samples) => _skippedSamples += samples;

    private Span<byte> Reserve(long sequence, int length, int sampleRate)
    {
        if (_pending is null)
        {
            // One array per event: the stream's consumer owns it.
            _pending = new byte[length * framesPerEvent];
            _sequence = sequence;
            _sampleRate = sampleRate;
        }

        var slot = _pending.AsSpan(_length, length);
        _length += length;
        _frames++;
        return slot;
    }

    /// <summary>The pending frames as one event (sequence of its first frame), or <see langword="null"/> when none.</summary>
    public InboundMedia? Flush()
    {
        if (_pending is null)
        {
            return null;
        }

        var audio = _pending;
        if (_length < audio.Length)
        {
            Array.Resize(ref audio, _length);   // a short event: before a key, or a frame of another size
        }

        var media = InboundMedia.ForAudio(_sequence, audio, _sampleRate, _skippedSamples);
        _skippedSamples = 0;
        _pending = null;
        _length = 0;
        _frames = 0;
        return media;
    }
}
