using System.Diagnostics.Metrics;

namespace Voicebot.EndToEnd.Tests;

/// <summary>
/// The worst lateness of the product's own outbound ticks (<c>voicebot.frames.lateness</c>, one measurement per tick
/// with calls on it) while a test's call ran, from any host in this test process. It tells a gap the product made
/// (a late tick) from one the test's own receive loop made (a starved test process on a loaded machine).
/// </summary>
public sealed class ProductLatenessListener : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _maxMicroseconds;
    private long _ticks;

    public ProductLatenessListener()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "voicebot.frames.lateness")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, seconds, _, _) =>
        {
            Interlocked.Increment(ref _ticks);
            var microseconds = (long)(seconds * 1e6);
            long seen;
            while (microseconds > (seen = Interlocked.Read(ref _maxMicroseconds)) &&
                   Interlocked.CompareExchange(ref _maxMicroseconds, microseconds, seen) != seen)
            {
            }
        });
        _listener.Start();
    }

    /// <summary>The latest tick seen so far, in milliseconds.</summary>
    public double MaxMilliseconds => Interlocked.Read(ref _maxMicroseconds) / 1000.0;

    /// <summary>Ticks measured so far (none: the listener heard nothing, and proves nothing).</summary>
    public long Ticks => Interlocked.Read(ref _ticks);

    public void Dispose() => _listener.Dispose();
}
