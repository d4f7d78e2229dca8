using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace Voicebot.Streaming;

/// <summary>
/// A pulling agent's cache for live media: one <see cref="StreamBacklog"/> per stream, so a cursor walks only its own
/// call's frames, and a call whose grain stops reading loses its own old frames instead of stalling the queue
/// (Orleans' simple cache stops pulling a whole queue for one slow consumer). Never under pressure: each stream is
/// bounded by <see cref="LiveMediaLimits.MaxEventsPerStream"/> and <see cref="LiveMediaLimits.MaxEventAge"/>.
/// Used by one pulling agent only: not thread-safe.
/// </summary>
internal sealed class LiveMediaQueueCache(LiveMediaLimits limits, TimeProvider time, ILogger logger) : IQueueCache
{
    private readonly Dictionary<StreamId, StreamBacklog> _streams = [];
    private long _lastSweep = time.GetTimestamp();

    /// <summary>Streams the cache holds (events or cursors).</summary>
    public int StreamCount => _streams.Count;

    public int GetMaxAddCount() => QueueAdapterConstants.UNLIMITED_GET_QUEUE_MSG;

    public void AddToCache(IList<IBatchContainer> msgs)
    {
        ArgumentNullException.ThrowIfNull(msgs);
        var now = time.GetTimestamp();
        foreach (var batch in msgs)
        {
            var backlog = BacklogOf(batch.StreamId);
            if (backlog.Append(batch, now) > 0 && (backlog.CapacityDrops - 1) % limits.MaxEventsPerStream == 0)   // the first drop, then one line per capacity's worth
            {
                LiveMediaLog.BacklogFull(logger, batch.StreamId.GetKeyAsString(), limits.MaxEventsPerStream);
            }
        }
    }

    /// <summary>Forgets stale events and idle streams, once a <see cref="LiveMediaLimits.SweepPeriod"/>.</summary>
    /// <remarks>Nothing is ever handed back: the in-process queue needs no delivery acknowledgement.</remarks>
    public bool TryPurgeFromCache([MaybeNullWhen(false)] out IList<IBatchContainer> purgedItems)
    {
        purgedItems = null;
        if (time.GetElapsedTime(_lastSweep) >= limits.SweepPeriod)
        {
            Sweep();
        }

        return false;
    }

    public IQueueCacheCursor GetCacheCursor(StreamId streamId, StreamSequenceToken? token) => BacklogOf(streamId).OpenCursor(token);

    public bool IsUnderPressure() => false;

    private void Sweep()
    {
        _lastSweep = time.GetTimestamp();
        var oldest = _lastSweep - (long)(limits.MaxEventAge.TotalSeconds * time.TimestampFrequency);
        foreach (var (streamId, backlog) in _streams)
        {
            var unread = backlog.DropOlderThan(oldest);
            if (unread > 0)
            {
                LiveMediaLog.StaleEventsDropped(logger, streamId.GetKeyAsString(), unread, limits.MaxEventAge);
            }

            if (backlog.IsIdle)
            {
                _streams.Remove(streamId);   // removing the current entry while enumerating is allowed
            }
        }
    }

    private StreamBacklog BacklogOf(StreamId streamId)
    {
        if (!_streams.TryGetValue(streamId, out var backlog))
        {
            backlog = new StreamBacklog(limits.MaxEventsPerStream);
            _streams.Add(streamId, backlog);
        }

        return backlog;
    }
}
