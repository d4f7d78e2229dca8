using System.Collections.Frozen;

namespace Voicebot.Conversation.Understanding;

/// <summary>
/// The caller's name in a French sentence: after an introduction ("je m'appelle", "c'est"), before "à l'appareil", or
/// alone ("Dupont Jean"). Thread-safe (stateless).
/// </summary>
internal static class FrenchNames
{
    private static readonly FrozenSet<string> Civilities = FrozenSet.ToFrozenSet(["monsieur", "madame", "mademoiselle", "m", "mme", "mlle", "mr", "dr", "docteur"]);

    private static readonly FrozenSet<string> LeadingFillers = FrozenSet.ToFrozenSet(
        ["bonjour", "bonsoir", "allo", "euh", "heu", "hum", "oui", "ouais", "alors", "ben", "bah", "donc", "voila", "hello", "salut", "ok"]);

    private static readonly FrozenSet<string> NameStopWords = BuildNameStopWords();

    private static readonly string[][] StrongNameIntros =
    [
        ["je", "m", "appelle"],
        ["je", "me", "nomme"],
        ["mon", "nom", "de", "famille", "c", "est"],
        ["mon", "nom", "de", "famille", "est"],
        ["mon", "nom", "c", "est"],
        ["mon", "nom", "est"],
    ];

    private static readonly string[][] WeakNameIntros =
    [
        ["moi", "c", "est"],
        ["c", "est"],
        ["je", "suis"],
        ["ici"],
    ];

    /// <inheritdoc cref="FrenchUnderstanding.ExtractName(string?)"/>
    public static string? Extract(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var original = FrenchText.OriginalWords(text);
        var folded = new List<string>(original.Count);
        foreach (var word in original)
        {
            folded.Add(FrenchText.Fold(word));
        }

        foreach (var intro in StrongNameIntros)
        {
            var at = IndexOf(folded, intro, 0);
            if (at >= 0 && TakeName(original, folded, at + intro.Length, requireCapital: false) is { } name)
            {
                return name;
            }
        }

        foreach (var intro in WeakNameIntros)
        {
            for (var at = IndexOf(folded, intro, 0); at >= 0; at = IndexOf(folded, intro, at + 1))
            {
                if (TakeName(original, folded, at + intro.Length, requireCapital: true) is { } name)
                {
                    return name;
                }
            }
        }

        var appareil = IndexOf(folded, ["a", "l", "appareil"], 0);
        if (appareil > 0)
        {
            var start = appareil;
            while (start > 0 && appareil - start < 3 && IsNameWord(folded[start - 1]))
            {
                start--;
            }

            if (start < appareil)
            {
                return FormatName(original, start, appareil);
            }
        }

        return BareName(original, folded);
    }

    private static string? TakeName(List<string> original, List<string> folded, int start, bool requireCapital)
    {
        var i = start;
        var civility = false;
        while (i < folded.Count && Civilities.Contains(folded[i]))
        {
            civility = true;
            i++;
        }

        var end = i;
        while (end < folded.Count && end - i < 3 && IsNameWord(folded[end]))
        {
            end++;
        }

        if (end == i || (requireCapital && !civility && !char.IsUpper(original[i][0])))
        {
            return null;
        }

        return FormatName(original, i, end);
    }

    private static string? BareName(List<string> original, List<string> folded)
    {
        var start = 0;
        while (start < folded.Count && (LeadingFillers.Contains(folded[start]) || Civilities.Contains(folded[start])))
        {
            start++;
        }

        var end = folded.Count;
        while (end > start && folded[end - 1] is "merci" or "voila")
        {
            end--;
        }

        if (end == start || end - start > 3)
        {
            return null;
        }

        for (var i = start; i < end; i++)
        {
            if (!IsNameWord(folded[i]))
            {
                return null;
            }
        }

        return FormatName(original, start, end);
    }

    private static bool IsNameWord(string folded)
    {
        if (folded.Length < 2 || NameStopWords.Contains(folded) || FrenchNumberWords.IsNumberWord(folded))
        {
            return false;
        }

        foreach (var c in folded)
        {
            if (!char.IsLetter(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    private static string FormatName(List<string> original, int start, int end)
    {
        var parts = new string[end - start];
        for (var i = start; i < end; i++)
        {
            var word = original[i];
            var hasUpper = false;
            foreach (var c in word)
            {
                hasUpper |= char.IsUpper(c);
            }

            if (hasUpper)
            {
                parts[i - start] = word;
                continue;
            }

            var chars = word.ToCharArray();
            for (var c = 0; c < chars.Length; c++)
            {
                if (c == 0 || chars[c - 1] == '-')
                {
                    chars[c] = char.ToUpperInvariant(chars[c]);
                }
            }

            parts[i - start] = new string(chars);
        }

        return string.Join(' ', parts);
    }

    private static int IndexOf(List<string> words, string[] phrase, int from)
    {
        for (var start = from; start + phrase.Length <= words.Count; start++)
        {
            var found = true;
            for (var i = 0; i < phrase.Length && found; i++)
            {
                found = words[start + i] == phrase[i];
            }

            if (found)
            {
                return start;
            }
        }

        return -1;
    }

    private static FrozenSet<string> BuildNameStopWords()
    {
        var words = new HashSet<string>(StringComparer.Ordinal)
        {
            "et", "mon", "ma", "mes", "ton", "je", "tu", "il", "elle", "on", "nous", "vous", "le", "la", "les", "de", "du", "des", "un",
            "une", "numero", "telephone", "tel", "pas", "ne", "plus", "oui", "non", "merci", "bonjour", "bonsoir", "allo", "voila", "euh",
            "heu", "hum", "alors", "donc", "au", "aux", "pour", "avec", "qui", "que", "qu", "est", "ai", "suis", "appelle", "ca", "sa",
            "ce", "cette", "mais", "ou", "en", "dans", "sur", "chez", "client", "cliente", "abonne", "abonnee", "probleme", "problemes",
            "souci", "panne", "appel", "appareil", "bien", "bon", "tres", "aussi", "encore", "toujours", "vraiment", "desole", "desolee",
            "content", "contente", "ici", "moi", "nom", "prenom", "famille", "vais", "veux", "voudrais", "peux", "fait", "avoir", "etre",
            "madame", "monsieur", "mademoiselle", "rappeler", "rappel", "besoin", "aide", "question", "hello", "salut", "allez",
        };
        // Words of the intent lexicon ("internet", "oui", "marche") are never part of a name.
        foreach (var word in FrenchIntents.LexiconWords)
        {
            words.Add(word);
        }

        return words.ToFrozenSet(StringComparer.Ordinal);
    }
}
