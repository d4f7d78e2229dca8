using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Voicebot.Providers.Asterisk.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports the due time of each timer once it is registered, so a test advances the
/// clock exactly when the code under test waits, by exactly how long it waits.
/// </summary>
internal sealed class TimerWatchingTimeProvider : TimeProvider
{
    private readonly Channel<TimeSpan> _dueTimes = Channel.CreateUnbounded<TimeSpan>();

    public FakeTimeProvider Fake { get; } = new();

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = Fake.CreateTimer(callback, state, dueTime, period);
        _dueTimes.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits for the next timer the code under test creates and returns its due time.</summary>
    public ValueTask<TimeSpan> NextTimerAsync(CancellationToken cancellationToken) => _dueTimes.Reader.ReadAsync(cancellationToken);
}
