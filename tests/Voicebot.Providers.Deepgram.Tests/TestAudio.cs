using System.Runtime.InteropServices;

namespace Voicebot.Providers.Deepgram.Tests;

/// <summary>20 ms slin frames at 8 kHz: a 440 Hz tone at about −12 dBFS (speech to the emulator) or digital silence.</summary>
internal static class TestAudio
{
    public const int SampleRate = 8000;
    public const int FrameMs = 20;
    public const int FrameSamples = SampleRate * FrameMs / 1000;

    private static readonly byte[] ToneFrame = CreateTone();
    private static readonly byte[] SilenceFrame = new byte[FrameSamples * 2];

    public static IEnumerable<ReadOnlyMemory<byte>> Tone(int milliseconds) => Enumerable.Repeat<ReadOnlyMemory<byte>>(ToneFrame, milliseconds / FrameMs);

    public static IEnumerable<ReadOnlyMemory<byte>> Silence(int milliseconds) => Enumerable.Repeat<ReadOnlyMemory<byte>>(SilenceFrame, milliseconds / FrameMs);

    private static byte[] CreateTone()
    {
        var samples = new short[FrameSamples];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / SampleRate));
        }

        return MemoryMarshal.AsBytes(samples.AsSpan()).ToArray();
    }
}
