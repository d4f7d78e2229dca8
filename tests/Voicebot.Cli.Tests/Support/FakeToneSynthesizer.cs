using System.Runtime.CompilerServices;
using Voicebot.Abstractions.Speech;

namespace Voicebot.Cli.Tests.Support;

/// <summary>A synthesizer that produces <c>seconds</c> of a 440 Hz tone at 16 kHz, in 100 ms chunks.</summary>
internal sealed class FakeToneSynthesizer(double seconds = 1.0, int sampleRate = 16000) : ISpeechSynthesizer
{
    public SpeechVoice Voice { get; } = new("fake", "tone", sampleRate, "");

    public List<string> Texts { get; } = [];

    public async IAsyncEnumerable<SynthesizedAudio> SynthesizeAsync(string text, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        lock (Texts)
        {
            Texts.Add(text);
        }

        var pcm = Tone.Pcm(seconds, sampleRate, 440, 8000);
        var chunk = sampleRate / 10 * 2;
        for (var offset = 0; offset < pcm.Length; offset += chunk)
        {
            await Task.Yield();
            yield return new SynthesizedAudio(pcm.AsMemory(offset, Math.Min(chunk, pcm.Length - offset)), sampleRate);
        }
    }
}
