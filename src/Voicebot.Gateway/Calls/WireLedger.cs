namespace Voicebot.Gateway.Calls;

/// <summary>
/// The bot's frames queued for the native wire sender and not yet reported written, oldest first, with what each one
/// becomes once it is on the wire: its level (the barge-in echo reference), its payload and due time (the recording)
/// and the playbacks it finishes. Frames are queued ahead of the wire and a barge-in drops the ones not yet written,
/// so everything the caller is said to have heard follows the sender, never the queue. Allocated once per call; used
/// under the session's lock only.
/// </summary>
internal sealed class WireLedger
{
    private readonly int _frameBytes;
    private readonly byte[]? _payloads;
    private readonly double[] _levels;
    private readonly long[] _startsAt;

    // A playback is finished once the frame holding its last byte is written: (frames queued up to and including
    // that frame, id). An empty item is finished after the frames queued before it.
    private readonly Queue<(long Frame, int Id)> _finishes = new();
    private int _start;
    private int _count;
    private int _audible;
    private long _queued;
    private long _written;

    /// <param name="capacity">Frames the ledger holds: the sender's ring plus what it may write between two accountings.</param>
    /// <param name="frameBytes">Payload bytes of one frame.</param>
    /// <param name="keepPayloads">Whether payloads are kept (for the recording).</param>
    public WireLedger(int capacity, int frameBytes, bool keepPayloads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _frameBytes = frameBytes;
        _payloads = keepPayloads ? new byte[capacity * frameBytes] : null;
        _levels = new double[capacity];
        _startsAt = new long[capacity];
    }

    /// <summary>Frames queued and not yet reported written.</summary>
    public int Count => _count;

    /// <summary>Room for more frames.</summary>
    public int Room => _levels.Length - _count;

    /// <summary>Whether a frame with sound in it is queued and not yet reported written: the bot is still talking.</summary>
    public bool HoldsAudible => _audible > 0;

    /// <summary>The frame being filled is added next; a playback finished while filling it ends in it.</summary>
    public bool Filling { get; set; }

    /// <summary>Appends a frame just queued for the sender.</summary>
    public void Add(ReadOnlySpan<byte> payload, double level, long startsAt)
    {
        var slot = (_start + _count) % _levels.Length;
        _levels[slot] = level;
        _startsAt[slot] = startsAt;
        if (_payloads is not null)
        {
            payload.CopyTo(_payloads.AsSpan(slot * _frameBytes, _frameBytes));
        }

        _count++;
        _queued++;
        if (level > 0)
        {
            _audible++;
        }
    }

    /// <summary>Playback <paramref name="id"/> ended in the frame being filled, or (empty) after the frames queued so far.</summary>
    public void Finish(int id) => _finishes.Enqueue((_queued + (Filling ? 1 : 0), id));

    /// <summary>
    /// Takes the oldest frame once the sender reported it written. The payload is empty when payloads are not kept and
    /// valid until the next <see cref="Add"/>.
    /// </summary>
    public bool TryTakeWritten(out ReadOnlySpan<byte> payload, out double level, out long startsAt)
    {
        if (_count == 0)
        {
            payload = default;
            level = 0;
            startsAt = 0;
            return false;
        }

        level = _levels[_start];
        startsAt = _startsAt[_start];
        payload = _payloads is null ? default : _payloads.AsSpan(_start * _frameBytes, _frameBytes);
        _start = (_start + 1) % _levels.Length;
        _count--;
        _written++;
        if (level > 0)
        {
            _audible--;
        }

        return true;
    }

    /// <summary>The next playback whose last frame has been written (or that ended after the frames written so far).</summary>
    public bool TryTakeFinished(out int id)
    {
        if (_finishes.TryPeek(out var next) && next.Frame <= _written)
        {
            _finishes.Dequeue();
            id = next.Id;
            return true;
        }

        id = 0;
        return false;
    }

    /// <summary>The sender dropped its <paramref name="frames"/> newest (not started): they and what they finished are forgotten.</summary>
    public void DropNewest(int frames)
    {
        frames = Math.Min(frames, _count);
        for (var i = 0; i < frames; i++)
        {
            var slot = (_start + _count - 1) % _levels.Length;
            if (_levels[slot] > 0)
            {
                _audible--;
            }

            _count--;
            _queued--;
        }

        // Finishes are in frame order: those past the kept frames are at the tail.
        var kept = _finishes.Count;
        while (kept-- > 0)
        {
            var finish = _finishes.Dequeue();
            if (finish.Frame <= _queued)
            {
                _finishes.Enqueue(finish);
            }
        }
    }
}
