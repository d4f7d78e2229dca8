using Voicebot.Protocol;

namespace Voicebot.Gateway.BargeIn;

/// <summary>
/// The RMS levels of the last bot frames written to one call, covering <see cref="BargeInOptions.EchoWindow"/> plus the
/// frame in flight and the inbound frame's own 20 ms. The pacer adds one level per audio frame; the read loop asks for
/// the loudest. Lock-free: one writer, any readers; a reader racing the writer may see the oldest slot already
/// replaced, which only shortens the window by one frame.
/// </summary>
internal sealed class EchoReference
{
    private readonly double[] _levels;
    private long _count;

    public EchoReference(TimeSpan window)
    {
        _levels = new double[(int)Math.Ceiling(window / AudioSocketKinds.FrameDuration) + 2];
    }

    /// <summary>Audio frames recorded so far (the outbound frame index of the next one).</summary>
    public long Count => Volatile.Read(ref _count);

    /// <summary>Records the level of the frame just written. Called by the pacer only.</summary>
    public void Add(double rms)
    {
        var count = _count;
        Volatile.Write(ref _levels[count % _levels.Length], rms);
        Volatile.Write(ref _count, count + 1);
    }

    /// <summary>RMS amplitude of the loudest frame in the window (0 before any frame).</summary>
    public double Loudest()
    {
        var max = 0.0;
        for (var i = 0; i < _levels.Length; i++)
        {
            max = Math.Max(max, Volatile.Read(ref _levels[i]));
        }

        return max;
    }
}
