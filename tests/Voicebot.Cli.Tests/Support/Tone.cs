namespace Voicebot.Cli.Tests.Support;

internal static class Tone
{
    public static byte[] Pcm(double seconds, int sampleRate, double frequency, short amplitude)
    {
        var samples = (int)(seconds * sampleRate);
        var pcm = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            var value = (short)(amplitude * Math.Sin(2 * Math.PI * frequency * i / sampleRate));
            pcm[2 * i] = (byte)value;
            pcm[(2 * i) + 1] = (byte)(value >> 8);
        }

        return pcm;
    }

    /// <summary>Random non-silent bytes (every frame has non-zero bytes).</summary>
    public static byte[] Noise(int bytes, int seed)
    {
        var random = new Random(seed);
        var pcm = new byte[bytes];
        random.NextBytes(pcm);
        for (var i = 0; i < pcm.Length; i += 64)
        {
            pcm[i] |= 1;
        }

        return pcm;
    }
}
