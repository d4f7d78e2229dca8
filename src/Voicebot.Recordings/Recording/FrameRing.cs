namespace Voicebot.Recordings.Recording;

/// <summary>
/// A fixed ring of audio slots between one producer (a call's read loop, or the pacer) and one consumer (the recording
/// writer). Everything is allocated up front, once per call: a write copies the samples into a slot and publishes it
/// with one volatile store; it never allocates, blocks or waits. When the writer has fallen behind and the ring is
/// full, the frame is dropped and counted (its time slot is padded with silence in the file).
/// </summary>
internal sealed class FrameRing
{
    private readonly byte[] _data;
    private readonly int[] _lengths;
    private readonly long[] _stamps;
    private readonly int _slotBytes;
    private long _written;   // producer-owned, read by the consumer
    private long _read;      // consumer-owned, read by the producer
    private long _dropped;

    /// <param name="slots">Ring length.</param>
    /// <param name="slotBytes">Largest payload per slot (one 20 ms frame); longer payloads take several slots.</param>
    public FrameRing(int slots, int slotBytes)
    {
        _slotBytes = slotBytes;
        _data = new byte[slots * slotBytes];
        _lengths = new int[slots];
        _stamps = new long[slots];
    }

    /// <summary>Frames dropped because the ring was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>
    /// Copies <paramref name="pcm"/> in, stamped with <paramref name="stamp"/> (a <see cref="TimeProvider"/> timestamp).
    /// Payloads longer than a slot are split; each piece carries the stamp at which it ends.
    /// </summary>
    /// <returns><see langword="false"/> when the ring had no room (the whole payload is dropped).</returns>
    public bool TryWrite(ReadOnlySpan<byte> pcm, long stamp, long ticksPerByte)
    {
        var slots = _lengths.Length;
        var needed = Math.Max(1, (pcm.Length + _slotBytes - 1) / _slotBytes);
        var written = _written;
        if (written + needed - Volatile.Read(ref _read) > slots)
        {
            Interlocked.Increment(ref _dropped);
            return false;
        }

        var remaining = pcm.Length;
        var offset = 0;
        for (var i = 0; i < needed; i++)
        {
            var slot = (int)((written + i) % slots);
            var count = Math.Min(_slotBytes, remaining);
            pcm.Slice(offset, count).CopyTo(_data.AsSpan(slot * _slotBytes, count));
            _lengths[slot] = count;
            offset += count;
            remaining -= count;
            _stamps[slot] = stamp - remaining * ticksPerByte;
        }

        Volatile.Write(ref _written, written + needed);
        return true;
    }

    /// <summary>The oldest unread slot, if any. Valid until <see cref="Advance"/>.</summary>
    public bool TryPeek(out ReadOnlySpan<byte> pcm, out long stamp)
    {
        var read = _read;
        if (read == Volatile.Read(ref _written))
        {
            pcm = default;
            stamp = 0;
            return false;
        }

        var slot = (int)(read % _lengths.Length);
        pcm = _data.AsSpan(slot * _slotBytes, _lengths[slot]);
        stamp = _stamps[slot];
        return true;
    }

    /// <summary>Releases the slot returned by <see cref="TryPeek"/> to the producer.</summary>
    public void Advance() => Volatile.Write(ref _read, _read + 1);
}
