using System.Diagnostics;
using Orleans.Streams;

namespace Voicebot.Bench.Streams;

/// <summary>Subscribes in <see cref="OnActivateAsync"/> like <c>CallGrain</c> and hands every item to the <see cref="LatencyRecorder"/>.</summary>
[ImplicitStreamSubscription(BenchStreams.Media)]
public sealed class MediaProbeGrain(LatencyRecorder recorder) : Grain, IMediaProbeGrain
{
    private long _nextSequence;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stream = this.GetStreamProvider(BenchStreams.Provider)
            .GetStream<BenchMedia>(StreamId.Create(BenchStreams.Media, this.GetPrimaryKey()));
        await stream.SubscribeAsync(OnMediaAsync);
    }

    public Task ReadyAsync() => Task.CompletedTask;

    private Task OnMediaAsync(BenchMedia media, StreamSequenceToken? token)
    {
        var received = Stopwatch.GetTimestamp();
        var inOrder = media.Sequence == _nextSequence;
        _nextSequence = media.Sequence + 1;
        recorder.Record(media, received, inOrder);
        return Task.CompletedTask;
    }
}
