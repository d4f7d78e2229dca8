using Voicebot.Abstractions.Speech;
using Voicebot.Audio.Resampling;

namespace Voicebot.Cli.Calling;

/// <summary>Renders the caller's lines: synthesized at the engine's native rate, then resampled to the call rate (Voicebot.Audio).</summary>
public static class CallerSpeech
{
    /// <summary>Synthesizes <paramref name="text"/> as 16-bit mono PCM at <paramref name="sampleRate"/>.</summary>
    /// <exception cref="SpeechSynthesisException">The engine failed.</exception>
    public static async Task<byte[]> RenderAsync(ISpeechSynthesizer synthesizer, string text, int sampleRate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(synthesizer);
        using var native = new MemoryStream();
        var nativeRate = synthesizer.Voice.SampleRate;
        await foreach (var chunk in synthesizer.SynthesizeAsync(text, cancellationToken))
        {
            if (chunk.SampleRate != nativeRate && native.Length == 0)
            {
                nativeRate = chunk.SampleRate;
            }

            native.Write(chunk.Pcm.Span);
        }

        return PcmResampler.Resample(native.GetBuffer().AsSpan(0, (int)native.Length), nativeRate, sampleRate);
    }
}
