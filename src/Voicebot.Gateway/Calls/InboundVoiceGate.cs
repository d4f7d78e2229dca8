using System.Buffers;
using Voicebot.Abstractions.Calls;
using Voicebot.Audio;

namespace Voicebot.Gateway.Calls;

/// <summary>
/// Keeps back the caller frames the call's grain does not need (<see cref="InboundAudioDemand"/>): frames far from any
/// voice. A call is mostly the bot talking or the caller thinking, and each published frame costs a hop through the
/// media stream and a turn of the grain; the grain needs the voice, a little before it and the pause after it. The
/// last <see cref="InboundAudioDemand.PreRoll"/> of held frames are copied into buffers reused frame after frame and
/// published, in call order, ahead of the first voiced frame. The frames it keeps back for good are counted, and the
/// count rides on the next published event. One per connection; not thread-safe (the read loop owns it).
/// </summary>
internal sealed class InboundVoiceGate
{
    private Held[] _held = [];
    private int _heldStart;
    private int _heldCount;
    private TimeSpan _heldDuration;
    private InboundAudioDemand _demand = InboundAudioDemand.All;
    private double _threshold;
    private TimeSpan _sinceVoice;
    private int _skippedSamples;
    private byte[]? _scratch;

    /// <summary>What the grain asked for; applied from the next frame. Switching to near-voice starts open.</summary>
    public InboundAudioDemand Demand
    {
        get => _demand;
        set
        {
            if (ReferenceEquals(value, _demand) || value == _demand)
            {
                return;
            }

            _demand = value;
            _threshold = 32768 * Math.Pow(10, value.ThresholdDbfs / 20);   // RMS amplitude, as PcmLevel measures it
            _sinceVoice = TimeSpan.Zero;   // as if the voice had just stopped: nothing the grain might still need is lost
            var slots = value.Everything ? 0 : (int)Math.Ceiling(value.PreRoll.TotalMilliseconds / 10) + 1;   // frames are 10 ms or longer
            if (slots > _held.Length)
            {
                DropHeld();   // a ring cannot grow in place without breaking its order: start the larger one empty
                _held = new Held[slots];
            }
        }
    }

    /// <summary>Caller audio kept back for good so far, in samples.</summary>
    public long TotalSkippedSamples { get; private set; }

    /// <summary>Measures the frame: <see langword="true"/> when the grain needs it (publish the held frames, then it).</summary>
    public bool Admit(in ReadOnlySequence<byte> payload, int sampleRate)
    {
        if (_demand.Everything)
        {
            return true;
        }

        var level = PcmLevel.Rms(Contiguous(payload));
        if (level >= _threshold)
        {
            _sinceVoice = TimeSpan.Zero;
            return true;
        }

        if (_sinceVoice < _demand.Hangover)
        {
            _sinceVoice += Duration((int)payload.Length, sampleRate);
            return true;
        }

        return false;
    }

    /// <summary>Copies a frame the grain does not need (yet) into the pre-roll, dropping the oldest; returns the copy.</summary>
    public ReadOnlySpan<byte> Hold(long sequence, in ReadOnlySequence<byte> payload, int sampleRate)
    {
        var length = (int)payload.Length;
        if (_held.Length == 0 || _demand.PreRoll <= TimeSpan.Zero)
        {
            Skip(length);
            return Contiguous(payload);
        }

        if (_heldCount == _held.Length)
        {
            DropOldest();
        }

        ref var slot = ref _held[(_heldStart + _heldCount) % _held.Length];
        if (slot.Buffer is null || slot.Buffer.Length < length)
        {
            slot.Buffer = new byte[length];
        }

        payload.CopyTo(slot.Buffer);
        slot.Length = length;
        slot.Sequence = sequence;
        slot.SampleRate = sampleRate;
        _heldCount++;
        _heldDuration += Duration(length, sampleRate);
        while (_heldDuration > _demand.PreRoll && _heldCount > 1)
        {
            DropOldest();
        }

        return slot.Buffer.AsSpan(0, length);
    }

    /// <summary>
    /// Moves the held frames, oldest first, into <paramref name="batcher"/>, with the count of frames kept back before
    /// them; every event the batcher completes meanwhile goes to <paramref name="ready"/>, to be published in order.
    /// </summary>
    public void Release(InboundAudioBatcher batcher, List<InboundMedia> ready)
    {
        batcher.NoteSkipped(_skippedSamples);
        _skippedSamples = 0;
        for (; _heldCount > 0; _heldCount--)
        {
            ref var slot = ref _held[_heldStart];
            if (batcher.MustFlushBefore(slot.Length, slot.SampleRate) && batcher.Flush() is { } partial)
            {
                ready.Add(partial);
            }

            batcher.Append(slot.Sequence, slot.Buffer!.AsSpan(0, slot.Length), slot.SampleRate);
            if (batcher.IsFull)
            {
                ready.Add(batcher.Flush()!);
            }

            _heldStart = (_heldStart + 1) % _held.Length;
        }

        _heldStart = 0;
        _heldDuration = TimeSpan.Zero;
    }

    /// <summary>
    /// Forgets the held frames, counted as kept back: a key came after them, and what the grain receives stays in call
    /// order (the pre-roll of a voice after the key starts after it).
    /// </summary>
    public void DropHeld()
    {
        while (_heldCount > 0)
        {
            DropOldest();
        }

        _heldStart = 0;
        _heldDuration = TimeSpan.Zero;
    }

    private void DropOldest()
    {
        ref var slot = ref _held[_heldStart];
        _heldDuration -= Duration(slot.Length, slot.SampleRate);
        Skip(slot.Length);
        _heldStart = (_heldStart + 1) % _held.Length;
        _heldCount--;
    }

    private void Skip(int bytes)
    {
        _skippedSamples += bytes / 2;
        TotalSkippedSamples += bytes / 2;
    }

    private ReadOnlySpan<byte> Contiguous(in ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment)
        {
            return payload.FirstSpan;
        }

        var length = (int)payload.Length;
        if (_scratch is null || _scratch.Length < length)
        {
            _scratch = new byte[length];
        }

        payload.CopyTo(_scratch);
        return _scratch.AsSpan(0, length);
    }

    private static TimeSpan Duration(int bytes, int sampleRate) => TimeSpan.FromTicks(bytes / 2 * TimeSpan.TicksPerSecond / sampleRate);

    private struct Held
    {
        public byte[]? Buffer;
        public int Length;
        public long Sequence;
        public int SampleRate;
    }
}
