using Orleans.Streams;

namespace Voicebot.Streaming;

/// <summary>
/// Reads one stream's events from its <see cref="StreamBacklog"/>, never the other streams of the queue. Events the
/// backlog dropped before this cursor read them are skipped: live audio that old is of no use to the call.
/// </summary>
internal sealed class LiveMediaCursor(StreamBacklog backlog, long next, bool startsAfterReleased) : IQueueCacheCursor
{
    private IBatchContainer? _current;
    private bool _releasedStep = startsAfterReleased;
    private bool _disposed;

    /// <summary>Position of the next event to read.</summary>
    public long Next { get; private set; } = next;

    public IBatchContainer? GetCurrent(out Exception? exception)
    {
        exception = null;
        return _current;
    }

    public bool MoveNext()
    {
        if (_disposed)
        {
            return false;
        }

        if (_releasedStep)
        {
            // The step Orleans takes over the event a resuming consumer already processed, released since: nothing
            // to skip. Were anyone to read it, an empty current only ends that delivery round.
            _releasedStep = false;
            _current = null;
            return true;
        }

        if (Next < backlog.First)
        {
            Next = backlog.First;
        }

        if (Next >= backlog.End)
        {
            _current = null;   // delivered: the frame is not kept alive until the next one arrives
            return false;
        }

        _current = backlog.At(Next);
        Next++;
        backlog.ReleaseConsumed();
        return true;
    }

    public QueueCacheCursorMoveResult MoveNextWithResult() => MoveNext() ? QueueCacheCursorMoveResult.Success : QueueCacheCursorMoveResult.NoData;

    // Events are read straight from the backlog: new ones need no re-positioning.
    public void Refresh(StreamSequenceToken token)
    {
    }

    // The agent retries and reports delivery failures itself; the event is not kept for another attempt.
    public void RecordDeliveryFailure()
    {
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _current = null;
            backlog.CloseCursor(this);
        }
    }
}
