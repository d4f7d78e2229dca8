using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace Voicebot.Streaming.Tests;

public sealed class LiveMediaQueueCacheTests
{
    private static readonly LiveMediaLimits Limits = new(QueueCapacity: 100, MaxEventsPerStream: 5, MaxEventAge: TimeSpan.FromSeconds(10), SweepPeriod: TimeSpan.FromSeconds(1), IdleWait: TimeSpan.FromSeconds(1));
    private static readonly StreamId CallA = StreamId.Create("call-media", Guid.Parse("aaaaaaaa-0000-0000-0000-000000000001"));
    private static readonly StreamId CallB = StreamId.Create("call-media", Guid.Parse("bbbbbbbb-0000-0000-0000-000000000002"));

    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger<LiveMediaQueueCache> _logger = new();
    private readonly LiveMediaQueueCache _cache;
    private long _sequence;

    public LiveMediaQueueCacheTests() => _cache = new LiveMediaQueueCache(Limits, _time, _logger);

    [Fact]
    public void A_cursor_reads_its_own_stream_from_its_token_in_order()
    {
        var a1 = Batch(CallA, "a1");
        var b1 = Batch(CallB, "b1");
        var a2 = Batch(CallA, "a2");
        var a3 = Batch(CallA, "a3");
        _cache.AddToCache([a1, b1, a2, a3]);

        using var cursor = _cache.GetCacheCursor(CallA, a2.SequenceToken);

        Assert.Equal(["a2", "a3"], ReadAll(cursor));
    }

    [Fact]
    public void Without_a_token_a_cursor_starts_with_the_next_event()
    {
        _cache.AddToCache([Batch(CallA, "old")]);
        using var cursor = _cache.GetCacheCursor(CallA, null);
        Assert.Empty(ReadAll(cursor));

        _cache.AddToCache([Batch(CallA, "new")]);

        Assert.Equal(["new"], ReadAll(cursor));
    }

    [Fact]
    public void A_cursor_waiting_at_the_end_sees_events_added_later()
    {
        var first = Batch(CallA, "1");
        _cache.AddToCache([first]);
        using var cursor = _cache.GetCacheCursor(CallA, first.SequenceToken);
        Assert.Equal(["1"], ReadAll(cursor));

        _cache.AddToCache([Batch(CallA, "2"), Batch(CallB, "other"), Batch(CallA, "3")]);

        Assert.Equal(["2", "3"], ReadAll(cursor));
    }

    [Fact]
    public void A_consumer_resuming_after_the_event_it_processed_last_gets_the_next_one_whether_or_not_it_is_released()
    {
        var batches = new[] { Batch(CallA, "1"), Batch(CallA, "2"), Batch(CallA, "3"), Batch(CallA, "4") };
        _cache.AddToCache(batches);
        using var cursor = _cache.GetCacheCursor(CallA, batches[0].SequenceToken);
        Assert.True(MoveNext(cursor));
        Assert.True(MoveNext(cursor));   // at "2": "1" and "2" are read, so released

        // What the pulling agent does when a consumer hands back the token it processed: a cursor at that token,
        // stepped once past it.
        using var afterReleased = _cache.GetCacheCursor(CallA, batches[1].SequenceToken);
        Assert.True(MoveNext(afterReleased));
        Assert.Equal(["3", "4"], ReadAll(afterReleased));

        using var afterHeld = _cache.GetCacheCursor(CallA, batches[2].SequenceToken);
        Assert.True(MoveNext(afterHeld));
        Assert.Equal("3", Current(afterHeld));
        Assert.Equal(["4"], ReadAll(afterHeld));
    }

    [Fact]
    public void Read_events_are_released_so_a_late_cursor_at_an_old_token_only_gets_what_comes_next()
    {
        var first = Batch(CallA, "1");
        _cache.AddToCache([first, Batch(CallA, "2")]);
        using var reader = _cache.GetCacheCursor(CallA, first.SequenceToken);
        Assert.Equal(["1", "2"], ReadAll(reader));

        using var late = _cache.GetCacheCursor(CallA, first.SequenceToken);
        Assert.Empty(ReadAll(late));
        _cache.AddToCache([Batch(CallA, "3")]);

        Assert.Equal(["3"], ReadAll(late));
        Assert.Equal(["3"], ReadAll(reader));
    }

    [Fact]
    public void An_event_stays_until_every_cursor_of_its_stream_has_read_it()
    {
        var batches = new[] { Batch(CallA, "1"), Batch(CallA, "2"), Batch(CallA, "3") };
        _cache.AddToCache(batches);
        var pin = _cache.GetCacheCursor(CallA, batches[0].SequenceToken);   // as the agent pins a new stream
        using var consumer = _cache.GetCacheCursor(CallA, batches[0].SequenceToken);
        Assert.Equal(["1", "2", "3"], ReadAll(consumer));

        using var late = _cache.GetCacheCursor(CallA, batches[0].SequenceToken);
        Assert.Equal(["1", "2", "3"], ReadAll(late));
        pin.Dispose();
    }

    [Fact]
    public void A_consumer_that_stops_reading_loses_its_stale_events_and_never_holds_up_another_call()
    {
        var stuckFrom = Batch(CallA, "a-old");
        _cache.AddToCache([stuckFrom]);
        using var stuck = _cache.GetCacheCursor(CallA, stuckFrom.SequenceToken);
        var otherFrom = Batch(CallB, "b1");
        _cache.AddToCache([otherFrom]);
        using var other = _cache.GetCacheCursor(CallB, otherFrom.SequenceToken);
        Assert.Equal(["b1"], ReadAll(other));

        _time.Advance(TimeSpan.FromSeconds(11));
        _cache.AddToCache([Batch(CallA, "a-fresh"), Batch(CallB, "b2")]);
        Assert.False(_cache.TryPurgeFromCache(out _));   // the sweep: nothing to acknowledge, stale events dropped

        Assert.False(_cache.IsUnderPressure());
        Assert.Equal(["b2"], ReadAll(other));
        Assert.Equal(["a-fresh"], ReadAll(stuck));
        var warning = Assert.Single(_logger.Collector.GetSnapshot(), record => record.Id.Name == "MediaEventsStale");
        Assert.Equal(CallA.GetKeyAsString(), warning.StructuredState!.Single(pair => pair.Key == "CallId").Value);
    }

    [Fact]
    public void A_stream_keeps_at_most_its_capacity_and_drops_the_oldest()
    {
        var first = Batch(CallA, "0");
        _cache.AddToCache([first]);
        using var cursor = _cache.GetCacheCursor(CallA, first.SequenceToken);

        _cache.AddToCache([.. Enumerable.Range(1, 6).Select(i => Batch(CallA, i.ToString(System.Globalization.CultureInfo.InvariantCulture)))]);

        Assert.Equal(["2", "3", "4", "5", "6"], ReadAll(cursor));
        Assert.Contains(_logger.Collector.GetSnapshot(), record => record.Id.Name == "MediaBacklogFull");
    }

    [Fact]
    public void A_finished_stream_is_forgotten_once_its_cursors_are_gone_and_its_events_are_stale()
    {
        var only = Batch(CallA, "1");
        _cache.AddToCache([only]);
        var cursor = _cache.GetCacheCursor(CallA, only.SequenceToken);
        Assert.Equal(["1"], ReadAll(cursor));
        cursor.Dispose();
        Assert.Equal(1, _cache.StreamCount);

        _time.Advance(TimeSpan.FromSeconds(11));
        _cache.TryPurgeFromCache(out _);

        Assert.Equal(0, _cache.StreamCount);
    }

    [Fact]
    public void Events_with_no_cursor_yet_wait_for_the_consumer_the_agent_is_still_looking_up()
    {
        var first = Batch(CallA, "1");
        _cache.AddToCache([first, Batch(CallA, "2")]);
        _time.Advance(TimeSpan.FromSeconds(2));
        _cache.TryPurgeFromCache(out _);

        using var cursor = _cache.GetCacheCursor(CallA, first.SequenceToken);

        Assert.Equal(["1", "2"], ReadAll(cursor));
    }

    private LiveMediaBatch Batch(StreamId stream, string payload) =>
        new(stream, [payload], new EventSequenceTokenV2(++_sequence), requestContext: null);

    private static bool MoveNext(IQueueCacheCursor cursor) => cursor.MoveNextWithResult().Kind == QueueCacheCursorMoveResultKind.Success;

    private static string Current(IQueueCacheCursor cursor) =>
        cursor.GetCurrent(out _)!.GetEvents<string>().Single().Item1;

    private static List<string> ReadAll(IQueueCacheCursor cursor)
    {
        var read = new List<string>();
        while (MoveNext(cursor))
        {
            read.Add(Current(cursor));
        }

        return read;
    }
}
