using NAudio.Wave;

namespace Voicebot.Bench.Micro.Candidates;

/// <summary>
/// A pull source for <see cref="NAudio.Wave.SampleProviders.WdlResamplingSampleProvider"/> that holds the chunks pushed so
/// far. Reading never blocks: it returns what is queued, which the resampler takes as the end of the stream.
/// </summary>
internal sealed class QueueSampleProvider(int sampleRate, int capacity) : ISampleProvider
{
    private readonly float[] _samples = new float[capacity];
    private int _read;
    private int _written;

    public WaveFormat WaveFormat { get; } = WaveFormat.CreateIeeeFloatWaveFormat(sampleRate, 1);

    public int Queued => _written - _read;

    public void Push(ReadOnlySpan<short> pcm)
    {
        if (_read == _written)
        {
            _read = _written = 0;
        }
        else if (_written + pcm.Length > _samples.Length)
        {
            _samples.AsSpan(_read, Queued).CopyTo(_samples);
            _written -= _read;
            _read = 0;
        }

        FloatPcm.ToFloat(pcm, _samples.AsSpan(_written, pcm.Length));
        _written += pcm.Length;
    }

    public int Read(Span<float> buffer)
    {
        var count = Math.Min(buffer.Length, Queued);
        _samples.AsSpan(_read, count).CopyTo(buffer);
        _read += count;
        return count;
    }
}
