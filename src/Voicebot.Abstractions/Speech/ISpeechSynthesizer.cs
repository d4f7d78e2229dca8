namespace Voicebot.Abstractions.Speech;

/// <summary>Text to speech, streamed. Implementations are thread-safe.</summary>
public interface ISpeechSynthesizer
{
    /// <summary>Engine, voice and native rate: part of every phrase cache key, so a change of voice never serves stale audio.</summary>
    SpeechVoice Voice { get; }

    /// <summary>Yields PCM chunks at <see cref="SpeechVoice.SampleRate"/> as the engine produces them.</summary>
    /// <exception cref="SpeechSynthesisException">The engine failed or is missing.</exception>
    IAsyncEnumerable<SynthesizedAudio> SynthesizeAsync(string text, CancellationToken cancellationToken = default);
}

/// <summary>Identity of a synthesizer voice.</summary>
/// <param name="Engine">e.g. <c>espeak-ng</c>.</param>
/// <param name="Name">Voice name, e.g. <c>fr</c>.</param>
/// <param name="SampleRate">Native output rate, Hz.</param>
/// <param name="Settings">Everything else that changes the audio (engine version, speed, pitch), as text.</param>
public sealed record SpeechVoice(string Engine, string Name, int SampleRate, string Settings);

/// <summary>A chunk of synthesized signed 16-bit little-endian mono PCM.</summary>
/// <param name="Pcm">The samples.</param>
/// <param name="SampleRate">Their rate, Hz.</param>
/// <param name="IsWhole">
/// The chunk is the whole synthesis (e.g. served from a cache): nothing follows it, so it can be played as one item.
/// Engines that stream leave it false and the end of the sequence says when they are done.
/// </param>
public readonly record struct SynthesizedAudio(ReadOnlyMemory<byte> Pcm, int SampleRate, bool IsWhole = false);

/// <summary>The synthesizer could not produce audio.</summary>
public sealed class SpeechSynthesisException : Exception
{
    public SpeechSynthesisException()
    {
    }

    public SpeechSynthesisException(string message)
        : base(message)
    {
    }

    public SpeechSynthesisException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
