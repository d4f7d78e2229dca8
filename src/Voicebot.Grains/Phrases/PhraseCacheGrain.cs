using Voicebot.Abstractions.Phrases;

namespace Voicebot.Grains.Phrases;

/// <summary>
/// Serves pre-rendered phrases from this silo's <see cref="PhraseStore"/>. A stateless worker, so a call always reads
/// phrases from its own silo's memory; the returned record is immutable and crosses no copy.
/// </summary>
[StatelessWorker]
public sealed class PhraseCacheGrain(PhraseStore store) : Grain, IPhraseCacheGrain
{
    public Task<PhraseAudio> GetAsync(string phraseKey, int sampleRate) => store.GetAsync(phraseKey, sampleRate);
}
