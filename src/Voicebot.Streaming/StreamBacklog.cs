using Orleans.Streams;

namespace Voicebot.Streaming;

/// <summary>
/// One stream's events in a pulling agent's cache, oldest first, with the cursors reading them. An event is released
/// as soon as every cursor has read it (a frame then lives for one delivery, not until the next frame: frames held
/// across collections were promoted and pushed the GC into gen-2 collections), when the stream holds more than its
/// capacity, or when it is older than the cache allows. Used by one pulling agent only: not thread-safe.
/// </summary>
internal sealed class StreamBacklog(int capacity)
{
    private readonly List<LiveMediaCursor> _cursors = new(2);
    private Entry[] _entries = new Entry[8];
    private int _head;
    private int _count;
    private long _firstPosition;
    private long _lastReleasedSequence = -1;

    /// <summary>Position of the oldest event held.</summary>
    public long First => _firstPosition;

    /// <summary>Position the next event will take.</summary>
    public long End => _firstPosition + _count;

    /// <summary>Events dropped so far to keep the stream within its capacity.</summary>
    public long CapacityDrops { get; private set; }

    /// <summary>No event and no cursor: the cache may forget the stream.</summary>
    public bool IsIdle => _count == 0 && _cursors.Count == 0;

    /// <summary>Adds an event; returns how many old events made room for it (0 or 1).</summary>
    public int Append(IBatchContainer batch, long timestamp)
    {
        var dropped = 0;
        if (_count == capacity)
        {
            RemoveOldest(1);
            dropped = 1;
            CapacityDrops++;
        }

        if (_count == _entries.Length)
        {
            Grow();
        }

        _entries[Slot(_count)] = new Entry(batch, timestamp);
        _count++;
        return dropped;
    }

    public IBatchContainer At(long position) => _entries[Slot((int)(position - _firstPosition))].Batch;

    /// <summary>
    /// A cursor whose first event is the oldest held one at or after <paramref name="token"/>; with no token, the next
    /// event to arrive (Orleans' "latest").
    /// </summary>
    /// <remarks>
    /// A consumer that resumes hands back the token of the event it processed last, and Orleans steps the new cursor
    /// once to skip that event. If it is already released, the cursor's first step skips nothing instead.
    /// </remarks>
    public LiveMediaCursor OpenCursor(StreamSequenceToken? token)
    {
        var resumesAfterReleased = token is not null && token.SequenceNumber == _lastReleasedSequence;
        var cursor = new LiveMediaCursor(this, PositionOf(token), resumesAfterReleased);
        _cursors.Add(cursor);
        return cursor;
    }

    public void CloseCursor(LiveMediaCursor cursor)
    {
        _cursors.Remove(cursor);
        ReleaseConsumed();
    }

    /// <summary>Drops what every cursor has read.</summary>
    public void ReleaseConsumed()
    {
        if (_cursors.Count == 0)
        {
            return;   // a consumer may still attach (the agent opens its cursor after asking pub-sub): age decides
        }

        var keepFrom = long.MaxValue;
        foreach (var cursor in _cursors)
        {
            keepFrom = Math.Min(keepFrom, cursor.Next);
        }

        if (keepFrom > _firstPosition)
        {
            RemoveOldest((int)Math.Min(keepFrom - _firstPosition, _count));
        }
    }

    /// <summary>Drops events added before <paramref name="timestamp"/>; returns how many cursors had not read yet.</summary>
    public int DropOlderThan(long timestamp)
    {
        var stale = 0;
        while (stale < _count && _entries[Slot(stale)].Timestamp < timestamp)
        {
            stale++;
        }

        if (stale == 0)
        {
            return 0;
        }

        var unread = 0;
        var end = _firstPosition + stale;
        foreach (var cursor in _cursors)
        {
            unread = Math.Max(unread, (int)Math.Max(0, end - cursor.Next));
        }

        RemoveOldest(stale);
        return unread;
    }

    private long PositionOf(StreamSequenceToken? token)
    {
        if (token is null)
        {
            return End;
        }

        for (var i = 0; i < _count; i++)
        {
            if (!_entries[Slot(i)].Batch.SequenceToken.Older(token))
            {
                return _firstPosition + i;
            }
        }

        return End;
    }

    private void RemoveOldest(int count)
    {
        if (count > 0)
        {
            _lastReleasedSequence = _entries[Slot(count - 1)].Batch.SequenceToken.SequenceNumber;
        }

        for (var i = 0; i < count; i++)
        {
            _entries[Slot(i)] = default;   // the batch goes to the GC now, not when the slot is reused
        }

        _head = Slot(count);
        _count -= count;
        _firstPosition += count;
    }

    private void Grow()
    {
        var larger = new Entry[_entries.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            larger[i] = _entries[Slot(i)];
        }

        _entries = larger;
        _head = 0;
    }

    private int Slot(int offset) => (_head + offset) % _entries.Length;

    private readonly record struct Entry(IBatchContainer Batch, long Timestamp);
}
