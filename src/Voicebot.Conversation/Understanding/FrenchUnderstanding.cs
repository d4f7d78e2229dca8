using System.Collections.Frozen;

namespace Voicebot.Conversation.Understanding;

/// <summary>
/// Rule-based understanding of what a French caller says on the SAV line: the topic (Internet or mobile), yes or no,
/// a request for a human, a phone number, a name and a spoken keypad key. Deterministic, accent- and
/// case-insensitive, and tolerant of speech-to-text habits ("sa marche", "oui fi", "06-12-34-56-78").
/// Thread-safe (stateless).
/// </summary>
public static class FrenchUnderstanding
{
    private static readonly FrozenSet<string> KeyFillers = FrozenSet.ToFrozenSet(
    [
        "le", "la", "l", "touche", "numero", "num", "c", "est", "euh", "heu", "hum", "ben", "bah", "je", "j", "tape", "tapes", "taper",
        "appuie", "appuye", "appuyer", "sur", "choix", "option", "reponse", "alors", "donc", "ca", "sa", "fais", "prends", "choisis", "mets",
    ]);

    /// <summary>Interprets one transcript. Never throws on odd input: an empty or meaningless text gives <see cref="Interpretation.Empty"/>.</summary>
    public static Interpretation Interpret(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Interpretation.Empty;
        }

        var words = FrenchText.Words(text);
        if (words.Count == 0)
        {
            return Interpretation.Empty;
        }

        var intents = FrenchIntents.Find(words);
        var phone = FrenchPhoneNumbers.TryNormalize(text, out var normalized) ? normalized : null;
        return new Interpretation(intents, phone, FrenchNames.Extract(text), FindKey(words));
    }

    /// <summary>The caller's name in a sentence such as "je m'appelle Jean Dupont", "c'est Madame Martin" or "Dupont Jean".</summary>
    public static string? ExtractName(string? text) => FrenchNames.Extract(text);

    private static char? FindKey(List<string> words)
    {
        string? single = null;
        foreach (var word in words)
        {
            if (KeyFillers.Contains(word))
            {
                continue;
            }

            if (single is not null)
            {
                return null;
            }

            single = word;
        }

        switch (single)
        {
            case null:
                return null;
            case "diese" or "dieze" or "hash":
                return '#';
            case "etoile":
                return '*';
            case "premier" or "premiere":
                return '1';
            case "deuxieme" or "second" or "seconde":
                return '2';
            case { Length: 1 } when single[0] is >= '0' and <= '9':
                return single[0];
        }

        return FrenchNumberWords.TryParse(single, out var value) && value is >= 0 and <= 9 && !FrenchNumberWords.IsDigits(single)
            ? (char)('0' + value)
            : null;
    }
}
