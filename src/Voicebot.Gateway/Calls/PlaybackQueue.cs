using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Records;

namespace Voicebot.Gateway.Calls;

/// <summary>
/// What the bot has to say on one call, cut into 20 ms frames: playback items in order, the streamed chunks of one id
/// back to back (a chunk's tail and the next chunk's head share a frame), every other item from a frame boundary. It
/// knows nothing of sockets or locks: the call's session fills frames from it under its own lock.
/// </summary>
/// <remarks>
/// An item is finished (<c>onFinished</c>) once its last byte is in a frame; a streamed id once its final chunk is. A
/// stream abandoned for another id before its final chunk is never finished. After <see cref="Drop"/>, the chunks of
/// the stream that was open still arrive (the control plane had sent them before it heard of the flush): they are
/// discarded up to that stream's final chunk.
/// </remarks>
internal sealed class PlaybackQueue
{
    private readonly Queue<QueuedChunk> _queue = new();
    private readonly Action<int> _onFinished;
    private readonly TimeProvider _time;

    // Per playback item (not per frame): when it reached the gateway and when its first frame was taken, for the record.
    private readonly Dictionary<int, DateTimeOffset> _queuedAt = [];
    private readonly Dictionary<int, DateTimeOffset> _startedAt = [];

    private PlaybackItem? _current;
    private bool _currentAudible;
    private int _offset;
    private int _audiblePending;
    private int? _streamingId;
    private int? _openTailId;
    private int? _discardId;

    /// <param name="onFinished">Told the id of each playback whose last byte went into a frame.</param>
    /// <param name="time">Clock of <see cref="QueuedAt"/> and <see cref="StartedAt"/>.</param>
    public PlaybackQueue(Action<int> onFinished, TimeProvider time)
    {
        _onFinished = onFinished;
        _time = time;
    }

    /// <summary>Audible audio is queued, or a stream awaits its next chunk: the bot has more to say.</summary>
    public bool HasMoreToSay => _audiblePending > 0 || _streamingId is not null;

    /// <summary>A streamed phrase is waiting for its next chunk.</summary>
    public bool IsStreaming => _streamingId is not null;

    /// <summary>The playback being said or next in line (or the stream awaited); <see langword="null"/> when there is none.</summary>
    public int? CurrentId => _current?.Id ?? (_queue.TryPeek(out var next) ? next.Item.Id : _streamingId);

    /// <summary>When each playback reached the gateway (the first chunk of a stream).</summary>
    public IReadOnlyDictionary<int, DateTimeOffset> QueuedAt => _queuedAt;

    /// <summary>When each playback's first frame was taken.</summary>
    public IReadOnlyDictionary<int, DateTimeOffset> StartedAt => _startedAt;

    /// <summary>What the queue saw of the call's playbacks, for its record: copies of the times, taken now.</summary>
    public CallMediaFacts Facts(string? recordingPath) =>
        new(new Dictionary<int, DateTimeOffset>(_queuedAt), new Dictionary<int, DateTimeOffset>(_startedAt), recordingPath, _time.GetUtcNow());

    /// <summary>
    /// Queues <paramref name="item"/>. Returns <see langword="false"/> when it is a chunk of
    /// a stream dropped by <see cref="Drop"/> (sent before the control plane heard of the flush): it is discarded.
    /// </summary>
    public bool Enqueue(PlaybackItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (_discardId == item.Id)
        {
            if (!item.MoreFollows)
            {
                _discardId = null;
            }

            return false;
        }

        _discardId = null;
        _queuedAt.TryAdd(item.Id, _time.GetUtcNow());   // once per item: later chunks of a stream keep the first time
        Add(item);
        _openTailId = item.MoreFollows ? item.Id : null;
        return true;
    }

    /// <summary>
    /// Queues the last thing the call will say (the shutdown's goodbye) after a <see cref="Drop"/>, whatever was being
    /// discarded.
    /// </summary>
    public void EnqueueFinal(PlaybackItem item) => Add(item);

    /// <summary>
    /// Takes the next item if none is being said (finishing empty ones on the way). Returns whether there is audio to
    /// say from the next frame boundary.
    /// </summary>
    public bool HasAudio() => _current is not null || TryTakeNext(midFrame: false);

    /// <summary>
    /// Whether a whole frame is queued from where playback stands: enough bytes of the current item (and the open
    /// stream's next chunks), or an item that ends (its last frame is padded), or another item after an unfinished
    /// stream (which ends it). Call after <see cref="HasAudio"/> returned <see langword="true"/>.
    /// </summary>
    public bool HasWholeFrame(int frameBytes)
    {
        var available = _current is null ? 0 : _current.Pcm.Length - _offset;
        var id = _current?.Id;
        var open = _current?.MoreFollows ?? false;
        if (available >= frameBytes || !open)
        {
            return true;
        }

        foreach (var next in _queue)
        {
            if (next.Item.Id != id)
            {
                return true;
            }

            available += next.Item.Pcm.Length;
            if (available >= frameBytes || !next.Item.MoreFollows)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Fills one frame: the current item, then (mid-frame) only the next chunk of the open stream; the rest is silence
    /// (an item's last frame, a late stream chunk, or nothing to say). Returns the bytes of audio in it.
    /// </summary>
    public int Fill(Span<byte> payload)
    {
        var filled = 0;
        while (filled < payload.Length && (_current is not null || TryTakeNext(midFrame: filled > 0)))
        {
            var item = _current!;
            var count = Math.Min(item.Pcm.Length - _offset, payload.Length - filled);
            item.Pcm.AsSpan(_offset, count).CopyTo(payload[filled..]);
            filled += count;
            _offset += count;
            if (_offset < item.Pcm.Length)
            {
                continue;
            }

            _current = null;
            _offset = 0;
            Finish(item, _currentAudible);
        }

        payload[filled..].Clear();
        return filled;
    }

    /// <summary>
    /// Drops everything queued; the open stream's later chunks will be discarded as they arrive. Returns the bytes of
    /// audio dropped.
    /// </summary>
    public int Drop()
    {
        var dropped = _current is { } current ? current.Pcm.Length - _offset : 0;
        foreach (var chunk in _queue)
        {
            dropped += chunk.Item.Pcm.Length;
        }

        _discardId = _openTailId ?? _discardId;
        _openTailId = null;
        _queue.Clear();
        _current = null;
        _offset = 0;
        _audiblePending = 0;
        _streamingId = null;
        return dropped;
    }

    private void Add(PlaybackItem item)
    {
        // Once per item, not per frame: a queue of pure silence is not the bot talking.
        var audible = item.Pcm.AsSpan().ContainsAnyExcept((byte)0);
        _queue.Enqueue(new QueuedChunk(item, audible));
        if (audible)
        {
            _audiblePending++;
        }
    }

    /// <summary>
    /// Makes the next queued chunk current. Mid-frame only the next chunk of the open stream may join the frame; any
    /// other item waits for the next frame boundary. Empty chunks are finished on the spot.
    /// </summary>
    private bool TryTakeNext(bool midFrame)
    {
        while (_queue.TryPeek(out var next))
        {
            if (_streamingId is { } open && next.Item.Id != open)
            {
                _streamingId = null;   // abandoned for another id without its final chunk: never finished
            }

            if (midFrame && _streamingId is null)
            {
                return false;
            }

            _queue.Dequeue();
            if (next.Item.Pcm.Length == 0)
            {
                Finish(next.Item, next.Audible);
                continue;
            }

            _current = next.Item;
            _currentAudible = next.Audible;
            _startedAt.TryAdd(next.Item.Id, _time.GetUtcNow());
            _offset = 0;
            return true;
        }

        return false;
    }

    private void Finish(PlaybackItem chunk, bool audible)
    {
        if (audible)
        {
            _audiblePending--;
        }

        if (chunk.MoreFollows)
        {
            _streamingId = chunk.Id;
            return;
        }

        _streamingId = null;
        _onFinished(chunk.Id);
    }

    private readonly record struct QueuedChunk(PlaybackItem Item, bool Audible);
}
