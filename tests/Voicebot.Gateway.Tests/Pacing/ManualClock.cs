namespace Voicebot.Gateway.Tests.Pacing;

/// <summary>
/// A clock whose time moves only in <see cref="Advance"/>, which fires due timers on the calling thread. Unlike
/// <c>FakeTimeProvider</c> (which allocates on every advance), advancing and re-arming allocate nothing, so the pacer's
/// own clock path can be measured for allocations. Not thread-safe.
/// </summary>
internal sealed class ManualClock : TimeProvider
{
    private readonly List<Timer> _timers = [];
    private long _now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _now;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this, callback, state);
        _timers.Add(timer);
        timer.Change(dueTime, period);
        return timer;
    }

    public void Advance(TimeSpan by)
    {
        _now += by.Ticks;
        for (var i = 0; i < _timers.Count; i++)
        {
            _timers[i].FireIfDue(_now);
        }
    }

    private sealed class Timer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        private long _due = long.MaxValue;
        private long _period;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            _due = dueTime == Timeout.InfiniteTimeSpan ? long.MaxValue : clock._now + dueTime.Ticks;
            _period = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
            return true;
        }

        public void FireIfDue(long now)
        {
            if (_due > now)
            {
                return;
            }

            _due = _period > 0 ? _due + _period : long.MaxValue;
            callback(state);
        }

        public void Dispose() => _due = long.MaxValue;

        public ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}
