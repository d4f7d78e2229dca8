using System.Buffers.Binary;

namespace Voicebot.Audio;

/// <summary>
/// Levels of signed 16-bit PCM, in dBFS relative to a full-scale square wave (so a full-scale sine reads -3.01 dBFS).
/// Pure and allocation-free.
/// </summary>
public static class PcmLevel
{
    /// <summary>The level reported for digital silence (and anything quieter), dBFS.</summary>
    public const double SilenceDbfs = -120;

    private const double FullScale = 32768;

    /// <summary>Root-mean-square level, dBFS; <see cref="SilenceDbfs"/> for an empty span or digital silence.</summary>
    public static double RmsDbfs(ReadOnlySpan<short> samples) => ToDbfs(Rms(samples));

    /// <summary>Root-mean-square level of signed 16-bit little-endian PCM, dBFS.</summary>
    public static double RmsDbfs(ReadOnlySpan<byte> pcm16le) => ToDbfs(Rms(pcm16le));

    /// <summary>Root-mean-square amplitude, in sample units (0 to 32768).</summary>
    public static double Rms(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty)
        {
            return 0;
        }

        var sum = 0.0;
        foreach (var sample in samples)
        {
            sum += (double)sample * sample;
        }

        return Math.Sqrt(sum / samples.Length);
    }

    /// <summary>Root-mean-square amplitude of signed 16-bit little-endian PCM, in sample units; a trailing odd byte is ignored.</summary>
    public static double Rms(ReadOnlySpan<byte> pcm16le)
    {
        var count = pcm16le.Length / 2;
        if (count == 0)
        {
            return 0;
        }

        var sum = 0.0;
        for (var i = 0; i < count; i++)
        {
            double sample = BinaryPrimitives.ReadInt16LittleEndian(pcm16le.Slice(2 * i, 2));
            sum += sample * sample;
        }

        return Math.Sqrt(sum / count);
    }

    /// <summary>Largest absolute sample value (0 to 32768).</summary>
    public static int Peak(ReadOnlySpan<short> samples)
    {
        var peak = 0;
        foreach (var sample in samples)
        {
            peak = Math.Max(peak, Math.Abs((int)sample));
        }

        return peak;
    }

    /// <summary>Largest absolute sample value, dBFS.</summary>
    public static double PeakDbfs(ReadOnlySpan<short> samples) => ToDbfs(Peak(samples));

    /// <summary>Converts an amplitude in sample units to dBFS, floored at <see cref="SilenceDbfs"/>.</summary>
    public static double ToDbfs(double amplitude) =>
        amplitude <= 0 ? SilenceDbfs : Math.Max(SilenceDbfs, 20 * Math.Log10(amplitude / FullScale));
}
