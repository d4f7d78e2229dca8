using System.Text.Json;

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
    /// <exception cref="FileNotFoundException">There is no catalog for this language.</exception>
    /// <exception cref="InvalidDataException">The file is not a JSON object of non-empty strings.</exception>
    public static PhraseCatalog Load(string phrasesDirectory, string language)
    {
        ArgumentNullException.ThrowIfNull(phrasesDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(language);
        if (language.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-'))
        {
            throw new ArgumentException($"'{language}' is not a language code.", nameof(language));
        }

        var path = Path.Combine(phrasesDirectory, language + ".json");
        try
        {
            return Parse(language, File.ReadAllText(path));
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>Parses a catalog: a JSON object of phrase key → text. Comments and trailing commas are allowed.</summary>
    /// <exception cref="InvalidDataException">The text is not a JSON object of non-empty strings, or a key appears twice.</exception>
    public static PhraseCatalog Parse(string language, string json)
    {
        ArgumentNullException.ThrowIfNull(language);
        ArgumentNullException.ThrowIfNull(json);
        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, options);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Phrase catalog '{language}' is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"Phrase catalog '{language}' must be a JSON object of key → text.");
            }

            var phrases = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(property.Value.GetString()))
                {
                    throw new InvalidDataException($"Phrase catalog '{language}': phrase '{property.Name}' must be a non-empty string.");
                }

                if (!phrases.TryAdd(property.Name, property.Value.GetString()!))
                {
                    throw new InvalidDataException($"Phrase catalog '{language}': phrase '{property.Name}' is defined twice.");
                }
            }

            return new PhraseCatalog(language, phrases);
        }
    }
}
