using System.Diagnostics;
using System.Diagnostics.Tracing;

namespace Voicebot.Bench.Load;

/// <summary>
/// The bench's own runtime suspensions (its GC), from the runtime's events: while the bench is suspended its callers
/// neither send nor receive, so every call hears a gap that is not the product's. <see cref="Explains"/> tells such a
/// gap apart.
/// </summary>
internal sealed class BenchPauses : EventListener
{
    private const int RestartEndId = 3;
    private const int SuspendBeginId = 9;

    private readonly Lock _gate = new();
    private readonly List<(long Begin, long End)> _pauses = [];
    private readonly long _anchorTicks = Stopwatch.GetTimestamp();
    private readonly DateTime _anchorUtc = TimeProvider.System.GetUtcNow().UtcDateTime;
    private long _begin;

    /// <summary>
    /// True when the bench's own pauses cover at least half of what <paramref name="gap"/> adds to the 20 ms frame
    /// period: the gap was the bench's stall, not the product's.
    /// </summary>
    public bool Explains(FrameGap gap)
    {
        lock (_gate)
        {
            return gap.IsMostlyCoveredBy(_pauses);
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Informational, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        lock (_gate)
        {
            if (eventData.EventId == SuspendBeginId)
            {
                _begin = ToStopwatch(eventData.TimeStamp);
            }
            else if (eventData.EventId == RestartEndId && _begin != 0)
            {
                _pauses.Add((_begin, ToStopwatch(eventData.TimeStamp)));
                _begin = 0;
            }
        }
    }

    /// <summary>Adds a pause seen otherwise (Stopwatch ticks); the runtime's events call the same list.</summary>
    internal void Record(long begin, long end)
    {
        lock (_gate)
        {
            _pauses.Add((begin, end));
        }
    }

    private long ToStopwatch(DateTime utc) =>
        _anchorTicks + (long)((utc.ToUniversalTime() - _anchorUtc).TotalSeconds * Stopwatch.Frequency);
}
