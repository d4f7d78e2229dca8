using Voicebot.Abstractions.Phrases;

namespace Voicebot.Cli.Calling;

/// <summary>Supplies the phrases the bot may play, so the caller can say which ones it heard.</summary>
public interface IKnownPhraseSource
{
    /// <summary>Every known phrase rendered at <paramref name="sampleRate"/>, exactly as the bot would send it.</summary>
    Task<IReadOnlyList<PhraseAudio>> GetPhrasesAsync(int sampleRate, CancellationToken cancellationToken = default);
}
