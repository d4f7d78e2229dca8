namespace Voicebot.Audio.Tests;

/// <summary>Test signals and measurements: tone and noise generation, single-frequency DFT (Goertzel), level helpers.</summary>
internal static class Signal
{
    public static short[] Tone(double frequency, int sampleRate, int samples, double amplitude = 16384, double phase = 0)
    {
        var tone = new short[samples];
        for (var i = 0; i < samples; i++)
        {
            tone[i] = (short)Math.Round(amplitude * Math.Sin((2 * Math.PI * frequency * i / sampleRate) + phase));
        }

        return tone;
    }

    /// <summary>White noise, repeatable from <paramref name="seed"/>, peaking below full scale.</summary>
    public static short[] Noise(int samples, int seed)
    {
        var random = new Random(seed);
        var noise = new short[samples];
        for (var i = 0; i < noise.Length; i++)
        {
            noise[i] = (short)random.Next(-20000, 20000);
        }

        return noise;
    }

    public static byte[] ToBytes(ReadOnlySpan<short> samples)
    {
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            bytes[2 * i] = (byte)samples[i];
            bytes[(2 * i) + 1] = (byte)(samples[i] >> 8);
        }

        return bytes;
    }

    public static short[] ToSamples(ReadOnlySpan<byte> bytes)
    {
        var samples = new short[bytes.Length / 2];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(bytes[2 * i] | (bytes[(2 * i) + 1] << 8));
        }

        return samples;
    }

    /// <summary>Amplitude of the <paramref name="frequency"/> component (Hann-windowed DFT bin, scaled so a sine of amplitude A reads A).</summary>
    public static double Amplitude(ReadOnlySpan<short> samples, double frequency, int sampleRate)
    {
        double re = 0, im = 0, windowSum = 0;
        var n = samples.Length;
        for (var i = 0; i < n; i++)
        {
            var window = 0.5 - (0.5 * Math.Cos(2 * Math.PI * i / (n - 1)));
            var angle = 2 * Math.PI * frequency * i / sampleRate;
            re += samples[i] * window * Math.Cos(angle);
            im -= samples[i] * window * Math.Sin(angle);
            windowSum += window;
        }

        return 2 * Math.Sqrt((re * re) + (im * im)) / windowSum;
    }

    /// <summary>The frequency with the largest DFT amplitude, searched in <paramref name="step"/> Hz steps up to Nyquist.</summary>
    public static double PeakFrequency(ReadOnlySpan<short> samples, int sampleRate, double step = 10)
    {
        var best = 0.0;
        var bestAmplitude = -1.0;
        for (var f = step; f < sampleRate / 2.0; f += step)
        {
            var amplitude = Amplitude(samples, f, sampleRate);
            if (amplitude > bestAmplitude)
            {
                bestAmplitude = amplitude;
                best = f;
            }
        }

        return best;
    }

    /// <summary>Frequency from the count of rising zero crossings.</summary>
    public static double ZeroCrossingFrequency(ReadOnlySpan<short> samples, int sampleRate)
    {
        int first = -1, last = -1, crossings = 0;
        for (var i = 1; i < samples.Length; i++)
        {
            if (samples[i - 1] < 0 && samples[i] >= 0)
            {
                if (first < 0)
                {
                    first = i;
                }
                else
                {
                    crossings++;
                }

                last = i;
            }
        }

        return crossings == 0 ? 0 : crossings * (double)sampleRate / (last - first);
    }

    /// <summary>The middle 80 %, away from the filter's start-up and tail.</summary>
    public static ReadOnlySpan<short> Middle(short[] samples) => samples.AsSpan(samples.Length / 10, samples.Length * 8 / 10);

    public static double Db(double ratio) => 20 * Math.Log10(ratio);

    public static int MaxJump(ReadOnlySpan<short> samples)
    {
        var max = 0;
        for (var i = 1; i < samples.Length; i++)
        {
            max = Math.Max(max, Math.Abs(samples[i] - samples[i - 1]));
        }

        return max;
    }
}
