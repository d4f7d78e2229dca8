namespace Voicebot.Streaming;

/// <summary>Bounds of the in-process media queues and of their pulling agents' caches.</summary>
/// <param name="QueueCapacity">Events a queue holds before publishing fails (its agent is not pulling: the silo is stopping or stuck).</param>
/// <param name="MaxEventsPerStream">Events one stream keeps in the cache; the oldest make room (a call flooding its stream).</param>
/// <param name="MaxEventAge">Past this age an unread event is dropped: its call's grain is not keeping up, and audio that old is of no use.</param>
/// <param name="SweepPeriod">How often the cache looks for such events and for finished streams.</param>
/// <param name="IdleWait">The longest a pulling agent waits on an empty queue before it reads it again.</param>
internal sealed record LiveMediaLimits(int QueueCapacity, int MaxEventsPerStream, TimeSpan MaxEventAge, TimeSpan SweepPeriod, TimeSpan IdleWait)
{
    /// <summary>
    /// 10 s of audio per call (500 frames of 20 ms; twice that many events for safety), a queue big enough for
    /// hundreds of calls' worth of seconds, a sweep every second, and an idle agent reading again every second.
    /// </summary>
    public static LiveMediaLimits Default { get; } = new(
        QueueCapacity: 200_000, MaxEventsPerStream: 1_000, MaxEventAge: TimeSpan.FromSeconds(10), SweepPeriod: TimeSpan.FromSeconds(1), IdleWait: TimeSpan.FromSeconds(1));
}
