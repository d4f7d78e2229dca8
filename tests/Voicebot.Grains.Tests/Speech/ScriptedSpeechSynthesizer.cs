using System.Runtime.CompilerServices;
using Voicebot.Abstractions.Speech;

namespace Voicebot.Grains.Tests.Speech;

/// <summary>
/// A voice that says every text with the same chunks, and can fail with <see cref="Failure"/> once it has yielded
/// <see cref="FailAfterChunks"/> of them. Checks the token before each chunk, as a streaming engine would.
/// </summary>
internal sealed class ScriptedSpeechSynthesizer(string name, params SynthesizedAudio[] chunks) : ISpeechSynthesizer
{
    public const int SampleRate = 16000;

    private int _calls;

    public SpeechVoice Voice { get; } = new("scripted", name, SampleRate, "v1");

    /// <summary>How many syntheses were started.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public Exception? Failure { get; set; }

    public int FailAfterChunks { get; set; }

    /// <summary>A chunk of <paramref name="pcm"/> at the voice's rate.</summary>
    public static SynthesizedAudio Chunk(params byte[] pcm) => new(pcm, SampleRate);

    public async IAsyncEnumerable<SynthesizedAudio> SynthesizeAsync(string text, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        for (var index = 0; ; index++)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            if (Failure is { } failure && index == FailAfterChunks)
            {
                throw failure;
            }

            if (index == chunks.Length)
            {
                yield break;
            }

            yield return chunks[index];
        }
    }
}
