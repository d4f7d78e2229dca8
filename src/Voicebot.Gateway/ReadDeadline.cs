namespace Voicebot.Gateway;

/// <summary>
/// A re-armable deadline for <c>PipeReader.ReadAsync</c>: the UUID, first-audio and idle timeouts of one connection.
/// Arming and disarming reuse one timer, so it costs nothing per read. Not thread-safe (the read loop owns it).
/// </summary>
internal sealed class ReadDeadline(TimeProvider time) : IDisposable
{
    private CancellationTokenSource _source = new(Timeout.InfiniteTimeSpan, time);

    public CancellationToken Token => _source.Token;

    /// <summary>True once the armed time has passed.</summary>
    public bool Expired => _source.IsCancellationRequested;

    /// <summary>Expires <paramref name="timeout"/> from now, replacing any earlier deadline.</summary>
    public void Arm(TimeSpan timeout)
    {
        if (Expired)
        {
            Renew();
        }

        _source.CancelAfter(timeout);
    }

    /// <summary>No deadline until the next <see cref="Arm"/>. A deadline that fired just now is forgotten.</summary>
    public void Disarm()
    {
        if (!_source.TryReset())
        {
            Renew();
        }
    }

    public void Dispose() => _source.Dispose();

    private void Renew()
    {
        _source.Dispose();
        _source = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
    }
}
