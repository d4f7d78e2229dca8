namespace Voicebot.Bench.Micro;

/// <summary>Input signals and the measurements the quality table reports.</summary>
internal static class TestSignals
{
    public static short[] Tone(double frequency, int sampleRate, int samples, double amplitude)
    {
        var tone = new short[samples];
        for (var i = 0; i < samples; i++)
        {
            tone[i] = (short)Math.Round(amplitude * Math.Sin(2 * Math.PI * frequency * i / sampleRate));
        }

        return tone;
    }

    /// <summary>Voice-band tones plus some broadband noise at about -12 dBFS: the timing does not depend on it, but it is not silence.</summary>
    public static short[] Speechlike(int sampleRate, int samples)
    {
        var random = new Random(42);
        var signal = new short[samples];
        for (var i = 0; i < samples; i++)
        {
            var t = (double)i / sampleRate;
            var value = (3000 * Math.Sin(2 * Math.PI * 180 * t)) + (2000 * Math.Sin(2 * Math.PI * 730 * t))
                + (1200 * Math.Sin(2 * Math.PI * 2400 * t)) + (random.NextDouble() - 0.5) * 2000;
            signal[i] = (short)Math.Round(value);
        }

        return signal;
    }

    /// <summary>The middle 80 %, away from the start-up and flush transients (and from each resampler's own delay).</summary>
    public static ReadOnlySpan<short> Middle(ReadOnlySpan<short> samples) => samples.Slice(samples.Length / 10, samples.Length * 8 / 10);

    /// <summary>Amplitude of the <paramref name="frequency"/> component: a Hann-windowed DFT bin, scaled so a sine of amplitude A reads A.</summary>
    public static double Amplitude(ReadOnlySpan<short> samples, double frequency, int sampleRate)
    {
        double re = 0, im = 0, windowSum = 0;
        for (var i = 0; i < samples.Length; i++)
        {
            var window = 0.5 - (0.5 * Math.Cos(2 * Math.PI * i / (samples.Length - 1)));
            var angle = 2 * Math.PI * frequency * i / sampleRate;
            re += samples[i] * window * Math.Cos(angle);
            im -= samples[i] * window * Math.Sin(angle);
            windowSum += window;
        }

        return 2 * Math.Sqrt((re * re) + (im * im)) / windowSum;
    }

    public static double Rms(ReadOnlySpan<short> samples)
    {
        var sum = 0.0;
        foreach (var sample in samples)
        {
            sum += (double)sample * sample;
        }

        return Math.Sqrt(sum / Math.Max(1, samples.Length));
    }

    /// <summary>
    /// Signal-to-noise ratio of a pure tone: the least-squares fit of a sine at <paramref name="frequency"/> (any phase, plus
    /// DC) against everything left over. Independent of the resampler's delay.
    /// </summary>
    public static double SnrDb(ReadOnlySpan<short> samples, double frequency, int sampleRate)
    {
        // Normal equations of y ≈ a·cos + b·sin + c, solved exactly (3×3).
        double cc = 0, ss = 0, cs = 0, c1 = 0, s1 = 0, n = samples.Length, yc = 0, ys = 0, y1 = 0;
        for (var i = 0; i < samples.Length; i++)
        {
            var angle = 2 * Math.PI * frequency * i / sampleRate;
            double c = Math.Cos(angle), s = Math.Sin(angle), y = samples[i];
            cc += c * c;
            ss += s * s;
            cs += c * s;
            c1 += c;
            s1 += s;
            yc += y * c;
            ys += y * s;
            y1 += y;
        }

        double[,] m = { { cc, cs, c1 }, { cs, ss, s1 }, { c1, s1, n } };
        var (a, b, dc) = Solve(m, yc, ys, y1);
        double signal = 0, noise = 0;
        for (var i = 0; i < samples.Length; i++)
        {
            var angle = 2 * Math.PI * frequency * i / sampleRate;
            var tone = (a * Math.Cos(angle)) + (b * Math.Sin(angle));
            var residual = samples[i] - tone - dc;
            signal += tone * tone;
            noise += residual * residual;
        }

        return 10 * Math.Log10(signal / noise);
    }

    public static double Db(double ratio) => 20 * Math.Log10(ratio);

    private static (double A, double B, double C) Solve(double[,] m, double r0, double r1, double r2)
    {
        var det = Det(m[0, 0], m[0, 1], m[0, 2], m[1, 0], m[1, 1], m[1, 2], m[2, 0], m[2, 1], m[2, 2]);
        var a = Det(r0, m[0, 1], m[0, 2], r1, m[1, 1], m[1, 2], r2, m[2, 1], m[2, 2]) / det;
        var b = Det(m[0, 0], r0, m[0, 2], m[1, 0], r1, m[1, 2], m[2, 0], r2, m[2, 2]) / det;
        var c = Det(m[0, 0], m[0, 1], r0, m[1, 0], m[1, 1], r1, m[2, 0], m[2, 1], r2) / det;
        return (a, b, c);
    }

    private static double Det(double a, double b, double c, double d, double e, double f, double g, double h, double i) =>
        (a * ((e * i) - (f * h))) - (b * ((d * i) - (f * g))) + (c * ((d * h) - (e * g)));
}
