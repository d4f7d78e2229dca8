using System.Buffers.Binary;

namespace Voicebot.Gateway.Tests;

/// <summary>Recognisable, never-silent PCM for byte-exact assertions, and tones and noise at a known level.</summary>
internal static class TestAudio
{
    public static byte[] Pattern(int length, int seed = 1)
    {
        var bytes = new byte[length];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((i + seed) % 251 + 1);
        }

        return bytes;
    }

    /// <summary>A sine of <paramref name="hz"/> whose RMS level is <paramref name="dbfs"/> (PcmLevel's scale), 8 kHz slin.</summary>
    public static byte[] Tone(TimeSpan duration, double hz, double dbfs, int sampleRate = 8000)
    {
        var samples = (int)(duration.Ticks * sampleRate / TimeSpan.TicksPerSecond);
        var peak = 32768 * Math.Pow(10, dbfs / 20) * Math.Sqrt(2);
        var bytes = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            var value = (short)Math.Round(peak * Math.Sin(2 * Math.PI * hz * i / sampleRate));
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), value);
        }

        return bytes;
    }

    /// <summary>Uniform white noise whose RMS level is <paramref name="dbfs"/>.</summary>
    public static byte[] Noise(TimeSpan duration, double dbfs, int seed = 7, int sampleRate = 8000)
    {
        var random = new Random(seed);
        var samples = (int)(duration.Ticks * sampleRate / TimeSpan.TicksPerSecond);
        var peak = 32768 * Math.Pow(10, dbfs / 20) * Math.Sqrt(3);   // uniform in [-a, a] has RMS a/sqrt(3)
        var bytes = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            var value = (short)Math.Clamp(Math.Round(peak * (2 * random.NextDouble() - 1)), short.MinValue, short.MaxValue);
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), value);
        }

        return bytes;
    }

    /// <summary><paramref name="a"/> scaled by <paramref name="gainA"/> plus <paramref name="b"/> (either may be empty), clipped.</summary>
    public static byte[] Mix(ReadOnlySpan<byte> a, double gainA, ReadOnlySpan<byte> b)
    {
        var bytes = new byte[Math.Max(a.Length, b.Length)];
        for (var i = 0; i + 1 < bytes.Length; i += 2)
        {
            var sum = (i + 1 < a.Length ? gainA * BinaryPrimitives.ReadInt16LittleEndian(a[i..]) : 0)
                      + (i + 1 < b.Length ? BinaryPrimitives.ReadInt16LittleEndian(b[i..]) : 0);
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i), (short)Math.Clamp(Math.Round(sum), short.MinValue, short.MaxValue));
        }

        return bytes;
    }

    /// <summary>Splits <paramref name="pcm"/> into 20 ms frames of <paramref name="frameBytes"/> (the last may be short).</summary>
    public static byte[][] Frames(byte[] pcm, int frameBytes = 320) =>
        [.. pcm.Chunk(frameBytes)];
}
