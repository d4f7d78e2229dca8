namespace Voicebot.Bench.Streams;

/// <summary>
/// What one run saw, in preallocated arrays (no allocation per item). Thread-safe for concurrent recorders.
/// Delays and send times are in <see cref="System.Diagnostics.Stopwatch"/> ticks.
/// </summary>
public sealed class RunRecording(int runId, int capacity)
{
    private readonly long[] _delays = new long[capacity];
    private readonly long[] _sends = new long[capacity];
    private int _delayCount;
    private int _sendCount;
    private int _received;
    private int _outOfOrder;

    public int RunId { get; } = runId;

    /// <summary>Items received, warm-up included.</summary>
    public int Received => Volatile.Read(ref _received);

    /// <summary>Items that did not follow the previous one of their call (a gap or a reordering).</summary>
    public int OutOfOrder => Volatile.Read(ref _outOfOrder);

    public void Record(BenchMedia media, long receivedTimestamp, bool inOrder)
    {
        ArgumentNullException.ThrowIfNull(media);
        Interlocked.Increment(ref _received);
        if (!inOrder)
        {
            Interlocked.Increment(ref _outOfOrder);
        }

        if (media.Measured)
        {
            Add(_delays, ref _delayCount, receivedTimestamp - media.PublishedTimestamp);
        }
    }

    /// <summary>How long the publisher's <c>OnNextAsync</c> took (the gateway's read loop waits that long).</summary>
    public void RecordSend(long ticks) => Add(_sends, ref _sendCount, ticks);

    /// <summary>The measured delays, sorted. Call once the run is over.</summary>
    public ReadOnlySpan<long> SortedDelays() => Sorted(_delays, Volatile.Read(ref _delayCount));

    /// <summary>The measured send times, sorted. Call once the run is over.</summary>
    public ReadOnlySpan<long> SortedSends() => Sorted(_sends, Volatile.Read(ref _sendCount));

    private static void Add(long[] values, ref int count, long value)
    {
        var index = Interlocked.Increment(ref count) - 1;
        if (index < values.Length)
        {
            values[index] = value;
        }
    }

    private static ReadOnlySpan<long> Sorted(long[] values, int count)
    {
        var span = values.AsSpan(0, Math.Min(count, values.Length));
        span.Sort();
        return span;
    }
}
