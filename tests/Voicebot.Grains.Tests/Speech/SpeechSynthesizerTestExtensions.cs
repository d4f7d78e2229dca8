using Voicebot.Abstractions.Speech;

namespace Voicebot.Grains.Tests.Speech;

internal static class SpeechSynthesizerTestExtensions
{
    /// <summary>Every chunk the voice says for <paramref name="text"/>, in order.</summary>
    public static async Task<List<SynthesizedAudio>> CollectAsync(this ISpeechSynthesizer voice, string text)
    {
        var chunks = new List<SynthesizedAudio>();
        await foreach (var chunk in voice.SynthesizeAsync(text, TestContext.Current.CancellationToken))
        {
            chunks.Add(chunk);
        }

        return chunks;
    }

    /// <summary>The chunks' samples, end to end.</summary>
    public static byte[] Concatenated(this IEnumerable<SynthesizedAudio> chunks) =>
        chunks.SelectMany(chunk => chunk.Pcm.ToArray()).ToArray();
}
