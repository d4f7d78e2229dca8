namespace Voicebot.Recordings.Recording;

/// <summary>
/// One channel of a recording on its way to the file: the samples placed on the call's timeline but not yet written,
/// from the recording's committed position up to <see cref="End"/>. Used by the writer only.
/// </summary>
internal sealed class ChannelTrack(int capacitySamples)
{
    private readonly byte[] _pending = new byte[capacitySamples * 2];

    /// <summary>Timeline position (samples from the start of the call) just after the last sample placed.</summary>
    public long End { get; private set; }

    /// <summary>True once a first frame has been placed.</summary>
    public bool Started { get; set; }

    /// <summary>Samples that fit between the committed position and the end of the buffer.</summary>
    public int Capacity => _pending.Length / 2;

    /// <summary>Places <paramref name="pcm"/> at <paramref name="start"/> (≥ <see cref="End"/>), silence before it.</summary>
    public void Place(long committed, long start, ReadOnlySpan<byte> pcm)
    {
        PadTo(committed, start);
        pcm.CopyTo(_pending.AsSpan((int)(start - committed) * 2));
        End = start + pcm.Length / 2;
    }

    /// <summary>Fills with silence up to <paramref name="position"/> (no-op when already there).</summary>
    public void PadTo(long committed, long position)
    {
        if (position <= End)
        {
            return;
        }

        _pending.AsSpan((int)(End - committed) * 2, (int)(position - End) * 2).Clear();
        End = position;
    }

    /// <summary>The pending samples from the committed position, <paramref name="count"/> of them.</summary>
    public ReadOnlySpan<byte> Pending(int offset, int count) => _pending.AsSpan(offset * 2, count * 2);

    /// <summary>Drops the first <paramref name="samples"/> (now in the file) and moves the rest to the front.</summary>
    public void Consume(long committed, int samples)
    {
        var remaining = (int)(End - committed) - samples;
        _pending.AsSpan(samples * 2, remaining * 2).CopyTo(_pending);
    }
}
