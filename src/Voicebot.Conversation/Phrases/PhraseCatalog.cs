namespace Voicebot.Conversation.Phrases;

/// <summary>The fixed phrase texts of one language (<c>assets/phrases/{language}.json</c>), by key.</summary>
public sealed class PhraseCatalog
{
    public PhraseCatalog(string language, IReadOnlyDictionary<string, string> phrases)
    {
        Language = language;
        Phrases = phrases;
    }

    public string Language { get; }

    public IReadOnlyDictionary<string, string> Phrases { get; }

    /// <summary>The text of a phrase.</summary>
    /// <exception cref="KeyNotFoundException">No phrase has this key.</exception>
    public string GetText(string key) => Phrases.TryGetValue(key, out var text) ? text : throw new KeyNotFoundException($"No phrase '{key}' in the '{Language}' catalog.");

    /// <summary>Loads <c>{phrasesDirectory}/{language}.json</c> (a JSON object of key → text).</summary>
    public static PhraseCatalog Load(string phrasesDirectory, string language) => throw new NotImplementedException();
}
