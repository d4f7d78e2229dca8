using Voicebot.Conversation;

namespace Voicebot.Grains.Calls;

/// <summary>
/// One call's timers on the call clock: the caller's silence, the longest call, an open recording's limit. Their
/// callbacks run off the grain and only send it a message (<see cref="ICallTimerTarget"/>), tagged with a generation so
/// that a timer re-armed or cancelled meanwhile is recognised as stale. Not thread-safe (the grain's).
/// </summary>
internal sealed class CallTimers(TimeProvider time, ICallTimerTarget target) : IDisposable
{
    private ITimer? _silence;
    private ITimer? _maxDuration;
    private ITimer? _recordingLimit;
    private int _silenceGeneration;
    private int _recordingGeneration;

    /// <summary>The caller's silence is being counted.</summary>
    public bool CountingSilence => _silence is not null;

    public void StartMaxDuration(TimeSpan limit) =>
        _maxDuration ??= time.CreateTimer(Fire, (CallTimer.MaxDuration, 0), limit, Timeout.InfiniteTimeSpan);

    /// <summary>Counts the caller's silence towards <paramref name="level"/> (a new count: an earlier one is stale).</summary>
    public void CountSilence(SilenceLevel level, TimeSpan due)
    {
        CancelSilence();
        var timer = level == SilenceLevel.Reprompt ? CallTimer.SilenceReprompt : CallTimer.SilenceGiveUp;
        _silence = time.CreateTimer(Fire, (timer, _silenceGeneration), due, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The bot talks or the caller is active: their silence is not counted (a tick already sent is stale).</summary>
    public void CancelSilence()
    {
        _silenceGeneration++;
        _silence?.Dispose();
        _silence = null;
    }

    public void StartRecordingLimit(TimeSpan limit)
    {
        CancelRecordingLimit();
        _recordingLimit = time.CreateTimer(Fire, (CallTimer.RecordingLimit, _recordingGeneration), limit, Timeout.InfiniteTimeSpan);
    }

    public void CancelRecordingLimit()
    {
        _recordingGeneration++;
        _recordingLimit?.Dispose();
        _recordingLimit = null;
    }

    /// <summary>Whether a tick is from the timer as it is armed now (not cancelled or re-armed since).</summary>
    public bool IsCurrent(CallTimer timer, int generation) => timer switch
    {
        CallTimer.MaxDuration => true,
        CallTimer.SilenceReprompt or CallTimer.SilenceGiveUp => generation == _silenceGeneration && _silence is not null,
        CallTimer.RecordingLimit => generation == _recordingGeneration && _recordingLimit is not null,
        _ => false,
    };

    /// <summary>The call ended: no timer fires any more.</summary>
    public void Dispose()
    {
        CancelSilence();
        CancelRecordingLimit();
        _maxDuration?.Dispose();
        _maxDuration = null;
    }

    /// <summary>Runs on the clock's thread: hands the tick to the grain through its mailbox.</summary>
    private void Fire(object? state)
    {
        var (timer, generation) = ((CallTimer, int))state!;
        target.OnTimerAsync(timer, generation).Ignore();
    }
}
