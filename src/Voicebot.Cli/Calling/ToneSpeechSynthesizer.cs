using System.Runtime.CompilerServices;
using Voicebot.Abstractions.Speech;

namespace Voicebot.Cli.Calling;

/// <summary>
/// A stand-in "voice" when no speech engine is available: a tone of 80 ms per character (at least 400 ms), capped
/// at 4 s. The bot only records the caller's speech, so a tone exercises the same paths.
/// </summary>
public sealed class ToneSpeechSynthesizer(int sampleRate = 16000, double frequency = 440, short amplitude = 6000) : ISpeechSynthesizer
{
    public SpeechVoice Voice { get; } = new("tone", "sine", sampleRate, $"{frequency} Hz, amplitude {amplitude}");

    public async IAsyncEnumerable<SynthesizedAudio> SynthesizeAsync(string text, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        cancellationToken.ThrowIfCancellationRequested();
        var seconds = Math.Clamp(text.Length * 0.08, 0.4, 4);
        var samples = (int)(seconds * sampleRate);
        var pcm = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            var value = (short)(amplitude * Math.Sin(2 * Math.PI * frequency * i / sampleRate));
            pcm[2 * i] = (byte)value;
            pcm[(2 * i) + 1] = (byte)(value >> 8);
        }

        await Task.Yield();
        yield return new SynthesizedAudio(pcm, sampleRate);
    }
}
