using Voicebot.Abstractions.Phrases;

namespace Voicebot.Cli.Calling;

/// <summary>An <see cref="IKnownPhraseSource"/> over a delegate (for wiring to the phrase cache, and for tests).</summary>
public sealed class DelegateKnownPhraseSource(Func<int, CancellationToken, Task<IReadOnlyList<PhraseAudio>>> getPhrases) : IKnownPhraseSource
{
    public Task<IReadOnlyList<PhraseAudio>> GetPhrasesAsync(int sampleRate, CancellationToken cancellationToken = default) =>
        getPhrases(sampleRate, cancellationToken);
}
