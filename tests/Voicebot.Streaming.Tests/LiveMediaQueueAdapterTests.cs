using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Orleans.Streams;

namespace Voicebot.Streaming.Tests;

public sealed class LiveMediaQueueAdapterTests
{
    private static readonly StreamId Call = StreamId.Create("call-media", Guid.Parse("cccccccc-0000-0000-0000-000000000003"));

    [Fact]
    public async Task A_publish_completes_at_once_and_its_queue_hands_over_the_same_event_object()
    {
        var (adapter, mapper) = Create(queueCount: 4);
        var frame = new byte[320];

        var publish = adapter.QueueMessageBatchAsync(Call, new[] { frame }, null, null);

        Assert.True(publish.IsCompletedSuccessfully);
        var queueId = mapper.GetQueueForStream(Call);
        var batches = await adapter.CreateReceiver(queueId).GetQueueMessagesAsync(QueueAdapterConstants.UNLIMITED_GET_QUEUE_MSG, TestContext.Current.CancellationToken);
        var batch = Assert.Single(batches);
        Assert.Equal(Call, batch.StreamId);
        Assert.Same(frame, batch.GetEvents<byte[]>().Single().Item1);   // by reference: nothing serialized in the silo
        foreach (var other in mapper.GetAllQueues().Where(id => !id.Equals(queueId)))
        {
            Assert.Empty(await adapter.CreateReceiver(other).GetQueueMessagesAsync(QueueAdapterConstants.UNLIMITED_GET_QUEUE_MSG, TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task A_stream_s_events_come_out_in_publish_order_with_growing_tokens()
    {
        var (adapter, mapper) = Create(queueCount: 2);
        for (var i = 0; i < 5; i++)
        {
            await adapter.QueueMessageBatchAsync(Call, new[] { i }, null, null);
        }

        var receiver = adapter.CreateReceiver(mapper.GetQueueForStream(Call));
        var firstTwo = await receiver.GetQueueMessagesAsync(2, TestContext.Current.CancellationToken);
        var rest = await receiver.GetQueueMessagesAsync(QueueAdapterConstants.UNLIMITED_GET_QUEUE_MSG, TestContext.Current.CancellationToken);

        Assert.Equal(2, firstTwo.Count);
        var all = firstTwo.Concat(rest).ToList();
        Assert.Equal([0, 1, 2, 3, 4], all.Select(batch => batch.GetEvents<int>().Single().Item1));
        Assert.True(all.Zip(all.Skip(1)).All(pair => pair.First.SequenceToken.Older(pair.Second.SequenceToken)));
    }

    [Fact]
    public async Task A_full_queue_refuses_the_publish_with_a_clear_error_and_keeps_what_it_holds()
    {
        var (adapter, mapper) = Create(queueCount: 1, capacity: 2);
        await adapter.QueueMessageBatchAsync(Call, new[] { "1" }, null, null);
        await adapter.QueueMessageBatchAsync(Call, new[] { "2" }, null, null);

        var error = await Assert.ThrowsAsync<LiveMediaQueueFullException>(() => adapter.QueueMessageBatchAsync(Call, new[] { "3" }, null, null));

        Assert.Contains("is full", error.Message, StringComparison.Ordinal);
        var held = await adapter.CreateReceiver(mapper.GetQueueForStream(Call)).GetQueueMessagesAsync(QueueAdapterConstants.UNLIMITED_GET_QUEUE_MSG, TestContext.Current.CancellationToken);
        Assert.Equal(["1", "2"], held.Select(batch => batch.GetEvents<string>().Single().Item1));
        await adapter.QueueMessageBatchAsync(Call, new[] { "4" }, null, null);   // room again once taken
    }

    [Fact]
    public async Task A_read_of_an_empty_queue_waits_and_the_next_publish_hands_its_batch_over()
    {
        var time = new FakeTimeProvider();
        var (adapter, mapper) = Create(queueCount: 1, idleWait: TimeSpan.FromSeconds(1), time: time);
        var receiver = adapter.CreateReceiver(mapper.GetQueueForStream(Call));

        var read = receiver.GetQueueMessagesAsync(QueueAdapterConstants.UNLIMITED_GET_QUEUE_MSG, TestContext.Current.CancellationToken);
        Assert.False(read.IsCompleted);   // no poll: the agent waits on the queue
        await adapter.QueueMessageBatchAsync(Call, new[] { "frame" }, null, null);

        var batch = Assert.Single(await read.WaitAsync(TestContext.Current.CancellationToken));
        Assert.Equal("frame", batch.GetEvents<string>().Single().Item1);
        await receiver.Shutdown(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_waiting_read_returns_empty_after_the_idle_wait_and_at_shutdown()
    {
        var time = new FakeTimeProvider();
        var (adapter, mapper) = Create(queueCount: 1, idleWait: TimeSpan.FromSeconds(1), time: time);
        var receiver = adapter.CreateReceiver(mapper.GetQueueForStream(Call));

        var idle = receiver.GetQueueMessagesAsync(QueueAdapterConstants.UNLIMITED_GET_QUEUE_MSG, TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(idle.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Empty(await idle.WaitAsync(TestContext.Current.CancellationToken));   // the agent does its housekeeping

        var stopping = receiver.GetQueueMessagesAsync(QueueAdapterConstants.UNLIMITED_GET_QUEUE_MSG, TestContext.Current.CancellationToken);
        await receiver.Shutdown(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.Empty(await stopping.WaitAsync(TestContext.Current.CancellationToken));

        await adapter.QueueMessageBatchAsync(Call, new[] { "late" }, null, null);   // a publish after the shutdown is kept
        Assert.Single(await receiver.GetQueueMessagesAsync(QueueAdapterConstants.UNLIMITED_GET_QUEUE_MSG, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_publish_with_a_sequence_token_is_refused()
    {
        var (adapter, _) = Create(queueCount: 1);

        await Assert.ThrowsAsync<ArgumentException>(() => adapter.QueueMessageBatchAsync(Call, new[] { "x" }, new EventSequenceTokenV2(7), null));
    }

    [Fact]
    public void A_batch_gives_each_event_of_the_asked_type_its_own_token()
    {
        var token = new EventSequenceTokenV2(42);
        var batch = new LiveMediaBatch(Call, ["a", 1, "b"], token, requestContext: null);

        var events = batch.GetEvents<string>().ToList();

        Assert.Equal(["a", "b"], events.Select(item => item.Item1));
        Assert.Equal(token, events[0].Item2);
        Assert.Equal(token.CreateSequenceTokenForEvent(2), events[1].Item2);
        Assert.False(batch.ImportRequestContext());
    }

    [Fact]
    public void A_batch_survives_serialization_for_delivery_to_a_grain_on_another_silo()
    {
        using var services = new ServiceCollection()
            .AddSerializer(serializer => serializer.AddAssembly(typeof(LiveMediaBatch).Assembly))
            .BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var original = new LiveMediaBatch(Call, [new byte[] { 1, 2, 3 }], new EventSequenceTokenV2(9), new Dictionary<string, object> { ["CallId"] = "c" });

        var copy = serializer.Deserialize<LiveMediaBatch>(serializer.SerializeToArray(original));
        Assert.NotNull(copy);

        Assert.Equal(Call, copy.StreamId);
        Assert.Equal(original.SequenceToken, copy.SequenceToken);
        Assert.Equal(new byte[] { 1, 2, 3 }, copy.GetEvents<byte[]>().Single().Item1);
        Assert.True(copy.ImportRequestContext());
        Assert.Equal("c", Orleans.Runtime.RequestContext.Get("CallId"));
        Orleans.Runtime.RequestContext.Clear();
    }

    private static (LiveMediaQueueAdapter Adapter, IStreamQueueMapper Mapper) Create(
        int queueCount, int capacity = 1000, TimeSpan? idleWait = null, TimeProvider? time = null)
    {
        var mapper = new HashRingBasedStreamQueueMapper(new Orleans.Configuration.HashRingStreamQueueMapperOptions { TotalQueueCount = queueCount }, "media");
        idleWait ??= TimeSpan.FromMilliseconds(10);   // an empty queue's read waits this long
        return (new LiveMediaQueueAdapter("media", mapper, capacity, idleWait.Value, time ?? TimeProvider.System), mapper);
    }
}
