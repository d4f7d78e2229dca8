namespace Voicebot.Abstractions.Phrases;

/// <summary>
/// Serves pre-rendered fixed phrases. A stateless worker: every silo serves from its own memory (loaded from the
/// shared disk cache), so a call never fetches phrase audio from another silo.
/// </summary>
[Alias("voicebot.phrase-cache")]
public interface IPhraseCacheGrain : IGrainWithIntegerKey
{
    /// <summary>The phrase at <paramref name="sampleRate"/>, rendered now if it was missing.</summary>
    /// <exception cref="KeyNotFoundException">No phrase has this key.</exception>
    [Alias("get")]
    Task<PhraseAudio> GetAsync(string phraseKey, int sampleRate);
}

/// <summary>A rendered phrase. <see cref="Pcm"/> is shared and never mutated.</summary>
[GenerateSerializer, Immutable, Alias("voicebot.phrase-audio")]
public sealed record PhraseAudio(
    [property: Id(0)] string Key,
    [property: Id(1)] string Text,
    [property: Id(2)] byte[] Pcm,
    [property: Id(3)] int SampleRate);
