namespace Voicebot.Abstractions.Speech;

/// <summary>
/// Streaming speech-to-text for one call at a time per enumeration. Implementations are thread-safe; each call to
/// <see cref="RecognizeAsync"/> is an independent session (one provider connection), alive until the input ends or
/// the token is cancelled. A connection lost mid-call is re-opened inside the session (a <see cref="RecognitionUpdateKind.Reconnected"/>
/// update says so); only when that fails does enumeration throw <see cref="ProviderUnavailableException"/>.
/// </summary>
public interface ISpeechRecognizer
{
    /// <summary>Short provider name for logs and metrics, e.g. <c>deepgram</c>.</summary>
    string Name { get; }

    IAsyncEnumerable<RecognitionUpdate> RecognizeAsync(
        IAsyncEnumerable<RecognitionInput> input,
        RecognitionOptions options,
        CancellationToken cancellationToken = default);
}

/// <summary>What a recognition session is fed: caller audio, or a request to finalize the current utterance.</summary>
/// <param name="Kind">Audio or Finalize.</param>
/// <param name="Pcm">Signed 16-bit little-endian mono PCM at <see cref="RecognitionOptions.SampleRate"/> (audio only).</param>
public readonly record struct RecognitionInput(RecognitionInputKind Kind, ReadOnlyMemory<byte> Pcm)
{
    public static RecognitionInput Audio(ReadOnlyMemory<byte> pcm) => new(RecognitionInputKind.Audio, pcm);

    public static RecognitionInput Finalize { get; } = new(RecognitionInputKind.Finalize, ReadOnlyMemory<byte>.Empty);
}

public enum RecognitionInputKind
{
    Audio = 0,

    /// <summary>Flush what the provider holds and return it as final (Deepgram <c>Finalize</c>).</summary>
    Finalize = 1,
}

/// <summary>Per-session settings.</summary>
/// <param name="CallId">For logs: every provider log line carries it.</param>
/// <param name="SampleRate">Hz of the audio fed in.</param>
/// <param name="Language">BCP-47 language, default <c>fr</c>.</param>
public sealed record RecognitionOptions(Guid CallId, int SampleRate, string Language = "fr");

/// <summary>Something the recognizer heard or did.</summary>
/// <param name="Kind">What kind of update.</param>
/// <param name="Transcript">Text (transcripts only); may be empty.</param>
/// <param name="IsFinal">Deepgram <c>is_final</c>: this stretch of audio will not be transcribed again.</param>
/// <param name="SpeechFinal">Deepgram <c>speech_final</c>: the speaker paused (endpointing); the turn may be over.</param>
/// <param name="Confidence">0–1 (transcripts only).</param>
/// <param name="Detail">Provider detail for logs (e.g. request id, close reason).</param>
[GenerateSerializer, Immutable, Alias("voicebot.recognition-update")]
public sealed record RecognitionUpdate(
    [property: Id(0)] RecognitionUpdateKind Kind,
    [property: Id(1)] string Transcript = "",
    [property: Id(2)] bool IsFinal = false,
    [property: Id(3)] bool SpeechFinal = false,
    [property: Id(4)] double Confidence = 0,
    [property: Id(5)] string? Detail = null);

[GenerateSerializer, Alias("voicebot.recognition-update-kind")]
public enum RecognitionUpdateKind
{
    /// <summary>An interim or final transcript.</summary>
    Transcript = 0,

    /// <summary>The provider's voice activity detector heard speech begin (barge-in's second signal).</summary>
    SpeechStarted = 1,

    /// <summary>A gap after the last final word: the utterance is over (Deepgram <c>UtteranceEnd</c>).</summary>
    UtteranceEnd = 2,

    /// <summary>Session summary (Deepgram <c>Metadata</c>), e.g. after CloseStream.</summary>
    Metadata = 3,

    /// <summary>The connection dropped and was re-opened; audio during the gap may be lost.</summary>
    Reconnected = 4,
}
