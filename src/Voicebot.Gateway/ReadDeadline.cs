namespace Voicebot.Gateway;

/// <summary>
/// The UUID, first-audio and idle timeouts of one connection's read loop. When a deadline passes it sets
/// <see cref="Expired"/> and calls the wake-up it was given (the pipe's <c>CancelPendingRead</c>), so the loop reads
/// with no cancellation token at all.
/// </summary>
/// <remarks>
/// The idle deadline slides: the loop marks each read's start and end (<see cref="BeginRead"/>, <see cref="EndRead"/>:
/// a clock read and two writes) and the one timer checks, when it fires, whether the current read has waited the whole
/// timeout, re-arming itself for the rest otherwise. Re-arming a timer around every read instead (a cancellation
/// source's <c>CancelAfter</c> and <c>TryReset</c>, each through the process's timer queue) cost 1.6 % of the
/// product's CPU at 100 calls, for a timeout that almost never fires. Only the time spent waiting in a read counts:
/// a frame slow to serve is not the caller being idle.
/// </remarks>
internal sealed class ReadDeadline : IDisposable
{
    private readonly TimeProvider _time;
    private readonly Action _wake;
    private readonly Lock _lock = new();
    private readonly ITimer _timer;
    private TimeSpan _timeout = Timeout.InfiniteTimeSpan;
    private long _armedAt;
    private bool _sliding;
    private long _readSince;
    private bool _reading;
    private bool _expired;
    private bool _disposed;

    public ReadDeadline(TimeProvider time, Action wake)
    {
        _time = time;
        _wake = wake;
        _timer = time.CreateTimer(static state => ((ReadDeadline)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>True once the armed deadline has passed (until the next <see cref="Arm"/>, <see cref="ArmIdle"/> or <see cref="Disarm"/>).</summary>
    public bool Expired => Volatile.Read(ref _expired);

    /// <summary>Expires <paramref name="timeout"/> from now whatever is read meanwhile (the UUID, the first audio).</summary>
    public void Arm(TimeSpan timeout) => Set(timeout, sliding: false);

    /// <summary>Expires once a single read has waited <paramref name="timeout"/> (a running call's idle peer).</summary>
    public void ArmIdle(TimeSpan timeout) => Set(timeout, sliding: true);

    /// <summary>No deadline until the next arm. A deadline that fired just now is forgotten.</summary>
    public void Disarm() => Set(Timeout.InfiniteTimeSpan, sliding: false);

    /// <summary>A read starts: with the idle deadline, the wait counts from now.</summary>
    public void BeginRead()
    {
        Volatile.Write(ref _readSince, _time.GetTimestamp());
        Volatile.Write(ref _reading, true);
    }

    /// <summary>The read returned: serving what it brought is not idle time.</summary>
    public void EndRead() => Volatile.Write(ref _reading, false);

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _timer.Dispose();
        }
    }

    private void Set(TimeSpan timeout, bool sliding)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _timeout = timeout;
            _sliding = sliding;
            _armedAt = _time.GetTimestamp();
            Volatile.Write(ref _readSince, _armedAt);
            Volatile.Write(ref _expired, false);
            _timer.Change(timeout, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer()
    {
        lock (_lock)
        {
            if (_disposed || _timeout == Timeout.InfiniteTimeSpan || Volatile.Read(ref _expired))
            {
                return;
            }

            TimeSpan left;
            if (!_sliding)
            {
                left = _timeout - _time.GetElapsedTime(_armedAt);
            }
            else if (!Volatile.Read(ref _reading))
            {
                left = _timeout;   // serving a frame: the next read starts the count again
            }
            else
            {
                left = _timeout - _time.GetElapsedTime(Volatile.Read(ref _readSince));
            }

            if (left > TimeSpan.Zero)
            {
                _timer.Change(left, Timeout.InfiniteTimeSpan);
                return;
            }

            Volatile.Write(ref _expired, true);
        }

        _wake();
    }
}
