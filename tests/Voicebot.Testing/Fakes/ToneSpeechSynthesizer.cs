using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Voicebot.Abstractions.Speech;

namespace Voicebot.Testing.Fakes;

/// <summary>
/// A synthesizer for tests: each text becomes a tone whose pitch and length depend on the text, so different phrases
/// have different audio, deterministically, without espeak-ng. Yields the audio in several chunks like a real engine.
/// </summary>
public sealed class ToneSpeechSynthesizer(int sampleRate = 22050) : ISpeechSynthesizer
{
    private int _calls;

    public SpeechVoice Voice { get; } = new("tone", "test", sampleRate, "v1");

    /// <summary>How many texts were synthesized.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public async IAsyncEnumerable<SynthesizedAudio> SynthesizeAsync(string text, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        Interlocked.Increment(ref _calls);
        var pcm = Render(text, sampleRate);
        const int ChunkBytes = 4410;
        for (var offset = 0; offset < pcm.Length; offset += ChunkBytes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new SynthesizedAudio(pcm.AsMemory(offset, Math.Min(ChunkBytes, pcm.Length - offset)), sampleRate);
        }
    }

    /// <summary>The tone for a text: 300–1300 Hz, 30 ms per character (at most 3 s), at about −12 dBFS.</summary>
    public static byte[] Render(string text, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hash = 17;
        foreach (var c in text)
        {
            hash = unchecked((hash * 31) + c);
        }

        var frequency = 300 + (Math.Abs(hash) % 1000);
        var samples = sampleRate * Math.Min(3000, 30 * Math.Max(1, text.Length)) / 1000;
        var pcm = new short[samples];
        for (var i = 0; i < samples; i++)
        {
            pcm[i] = (short)(8000 * Math.Sin(2 * Math.PI * frequency * i / sampleRate));
        }

        return MemoryMarshal.AsBytes(pcm.AsSpan()).ToArray();
    }
}
