using System.Runtime.CompilerServices;
using Voicebot.Abstractions.Speech;

namespace Voicebot.Grains.Speech;

/// <summary>
/// A voice that says each text once per silo: a text said before is served whole from the <see cref="SpokenTextCache"/>;
/// otherwise the inner voice's chunks pass through as they come and, when the synthesis completes, are kept. A synthesis
/// that fails or is abandoned is not kept.
/// </summary>
public sealed class CachingSpeechSynthesizer(ISpeechSynthesizer inner, SpokenTextCache cache) : ISpeechSynthesizer
{
    public SpeechVoice Voice => inner.Voice;

    public async IAsyncEnumerable<SynthesizedAudio> SynthesizeAsync(string text, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var voice = inner.Voice;
        if (cache.TryGet(voice, text, out var cached))
        {
            yield return cached;
            yield break;
        }

        using var whole = new MemoryStream();
        var rate = voice.SampleRate;
        await foreach (var chunk in inner.SynthesizeAsync(text, cancellationToken))
        {
            if (chunk.SampleRate != rate && whole.Length > 0)
            {
                whole.SetLength(0);   // an engine that changes rate mid-stream cannot be kept as one clip
                rate = -1;
            }
            else if (rate != -1)
            {
                rate = chunk.SampleRate;
                whole.Write(chunk.Pcm.Span);
            }

            yield return chunk;
        }

        if (rate > 0 && whole.Length > 0)
        {
            cache.Add(voice, text, new SynthesizedAudio(whole.ToArray(), rate));
        }
    }
}
