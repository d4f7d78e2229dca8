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
    private enum Cue
    {
        Internet,
        InternetWeak,
        Mobile,
        MobileWeak,
        Human,
        Yes,

        /// <summary>"ça marche", "c'est bon": yes, unless the sentence is negative ("ça marche pas").</summary>
        YesStatement,

        /// <summary>Yes even though it contains a negation ("pas de souci").</summary>
        YesFixed,
        No,
        NoStatement,

        /// <summary>Matched only to hide its words from the other rules ("je ne sais pas").</summary>
        Neutral,
    }

    private sealed record LexiconEntry(string[] Words, Cue Cue);

    private sealed record Match(Cue Cue, int Start);

    private static readonly LexiconEntry[] Lexicon = BuildLexicon();

    private static readonly FrozenSet<string> NegationWords = FrozenSet.ToFrozenSet(["pas", "plus", "jamais", "rien", "aucun", "aucune"]);

    private static readonly FrozenSet<string> Determiners = FrozenSet.ToFrozenSet(["le", "la", "l", "les", "mon", "ma", "mes", "du", "de", "des", "d", "un", "une"]);

    private static readonly FrozenSet<string> KeyFillers = FrozenSet.ToFrozenSet(
    [
        "le", "la", "l", "touche", "numero", "num", "c", "est", "euh", "heu", "hum", "ben", "bah", "je", "j", "tape", "tapes", "taper",
        "appuie", "appuye", "appuyer", "sur", "choix", "option", "reponse", "alors", "donc", "ca", "sa", "fais", "prends", "choisis", "mets",
    ]);

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

        var intents = FindIntents(words);
        var phone = FrenchPhoneNumbers.TryNormalize(text, out var normalized) ? normalized : null;
        return new Interpretation(intents, phone, ExtractName(text), FindKey(words));
    }

    /// <summary>The caller's name in a sentence such as "je m'appelle Jean Dupont", "c'est Madame Martin" or "Dupont Jean".</summary>
    public static string? ExtractName(string? text)
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

    private static List<Intent> FindIntents(List<string> words)
    {
        var matches = MatchLexicon(words, out var consumed);
        int internet = 0, mobile = 0, yes = 0, no = 0;
        bool human = false, statement = false, noStatement = false;
        foreach (var match in matches)
        {
            switch (match.Cue)
            {
                case Cue.Internet or Cue.InternetWeak or Cue.Mobile or Cue.MobileWeak when IsDenied(words, match.Start, consumed):
                    break;
                case Cue.Internet:
                    internet += 2;
                    break;
                case Cue.InternetWeak:
                    internet += 1;
                    break;
                case Cue.Mobile:
                    mobile += 2;
                    break;
                case Cue.MobileWeak:
                    mobile += 1;
                    break;
                case Cue.Human:
                    human = true;
                    break;
                case Cue.Yes:
                    yes += 1;
                    break;
                case Cue.YesFixed:
                    yes += 2;
                    break;
                case Cue.YesStatement:
                    statement = true;
                    break;
                case Cue.No:
                    no += 1;
                    break;
                case Cue.NoStatement:
                    noStatement = true;
                    break;
            }
        }

        var negated = noStatement;
        for (var i = 0; i < words.Count && !negated; i++)
        {
            negated = !consumed[i] && NegationWords.Contains(words[i]);
        }

        // "ça marche" is yes, "ça marche pas" / "ça marche toujours pas" is no.
        if (negated)
        {
            no += 2;
        }
        else if (statement)
        {
            yes += 2;
        }

        var intents = new List<Intent>(3);
        if (human)
        {
            intents.Add(Intent.Human);
        }

        if (internet != mobile)
        {
            intents.Add(internet > mobile ? Intent.Internet : Intent.Mobile);
        }

        if (yes != no)
        {
            intents.Add(yes > no ? Intent.Yes : Intent.No);
        }

        return intents;
    }

    /// <summary>Longest phrases first; a word belongs to one phrase at most ("ça marche pas du tout" → "ça marche" + "pas du tout").</summary>
    private static List<Match> MatchLexicon(List<string> words, out bool[] consumed)
    {
        consumed = new bool[words.Count];
        var matches = new List<Match>();
        foreach (var entry in Lexicon)
        {
            for (var start = 0; start + entry.Words.Length <= words.Count; start++)
            {
                if (!MatchesAt(words, consumed, entry.Words, start))
                {
                    continue;
                }

                for (var i = 0; i < entry.Words.Length; i++)
                {
                    consumed[start + i] = true;
                }

                matches.Add(new Match(entry.Cue, start));
            }
        }

        return matches;
    }

    private static bool MatchesAt(List<string> words, bool[] consumed, string[] phrase, int start)
    {
        for (var i = 0; i < phrase.Length; i++)
        {
            if (consumed[start + i] || words[start + i] != phrase[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>"c'est pas la box", "ce n'est pas le mobile": the topic is ruled out, and the "pas" is not an answer.</summary>
    private static bool IsDenied(List<string> words, int start, bool[] consumed)
    {
        var i = start - 1;
        while (i >= 0 && Determiners.Contains(words[i]))
        {
            i--;
        }

        if (i < 1 || words[i] != "pas" || words[i - 1] != "est" || consumed[i])
        {
            return false;
        }

        consumed[i] = true;
        return true;
    }

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

    private static LexiconEntry[] BuildLexicon()
    {
        var entries = new List<LexiconEntry>();
        void Add(Cue cue, params string[] phrases)
        {
            foreach (var phrase in phrases)
            {
                entries.Add(new LexiconEntry(phrase.Split(' '), cue));
            }
        }

        Add(
            Cue.Internet,
            "box", "boxe", "box internet", "livebox", "freebox", "bbox", "fibre", "fibre optique", "wifi", "wi fi", "wii fi", "oui fi",
            "ouifi", "adsl", "vdsl", "dsl", "modem", "routeur", "decodeur", "ligne fixe", "telephone fixe", "le fixe", "mon fixe",
            "ethernet", "debit", "voyant", "voyants", "connexion internet", "acces internet");
        Add(Cue.InternetWeak, "internet", "internette", "inter net", "net", "web", "connexion", "ordinateur", "ordi", "pc", "television", "tele", "tv");
        Add(
            Cue.Mobile,
            "mobile", "portable", "telephone portable", "telephone mobile", "smartphone", "iphone", "android", "samsung", "4g", "5g", "3g",
            "4 g", "5 g", "quatre g", "cinq g", "reseau", "capte", "capter", "captent", "sms", "texto", "textos", "mes messages",
            "carte sim", "sim", "donnees mobiles", "data", "forfait", "gsm", "cellulaire");
        Add(Cue.MobileWeak, "telephone", "tel", "appels", "appeler", "messages", "messagerie", "signal", "antenne");
        Add(
            Cue.Human,
            "conseiller", "conseillere", "humain", "etre humain", "vraie personne", "vrai personne", "une personne", "quelqu un",
            "operateur", "operatrice", "technicien", "technicienne", "agent", "standardiste", "service client", "interlocuteur",
            "en chair et en os");
        Add(
            Cue.Yes,
            "oui", "ouais", "ouai", "ouaip", "ouep", "ouip", "yes", "yep", "ok", "okay", "oke", "okey", "d accord", "dac", "dacc",
            "exact", "exactement", "absolument", "parfait", "parfaitement", "bien sur", "tout a fait", "evidemment", "certainement",
            "affirmatif", "super", "impeccable", "nickel", "genial", "carrement", "voila", "effectivement", "tres bien", "c est ca",
            "c est exact", "cool", "top", "oui oui", "ben oui", "bah oui");
        Add(
            Cue.YesStatement,
            "ca marche", "sa marche", "ca fonctionne", "sa fonctionne", "ca remarche", "ca refonctionne", "ca re marche", "c est bon",
            "c est ok", "ca va", "ca y est", "c est regle", "c est resolu", "c est reparti", "c est revenu", "tout est revenu", "ca repart",
            "ca a marche", "ca a fonctionne", "marche", "fonctionne", "remarche", "refonctionne", "resolu", "regle", "reparti", "revenu",
            "ca capte", "ca se connecte", "ca charge");
        Add(
            Cue.YesFixed,
            "pas de souci", "pas de soucis", "pas de probleme", "pas de problemes", "pas de pb", "sans souci", "sans soucis",
            "sans probleme", "aucun probleme", "aucun souci", "aucun soucis", "plus de probleme", "plus de souci", "plus de soucis",
            "plus de panne");
        Add(Cue.No, "non", "nan", "nope", "negatif", "nenni", "niet", "no", "non non");
        Add(
            Cue.NoStatement,
            "pas du tout", "toujours pas", "toujours rien", "absolument pas", "pas vraiment", "pas encore", "rien du tout", "en panne",
            "toujours en panne", "le meme probleme", "aucun changement", "rien n a change", "rien a change", "ca change rien",
            "c est pareil", "toujours pareil", "pareil", "bof", "nul", "ca bug", "ca bugue", "ca plante", "marche mal", "fonctionne mal",
            "pas mieux", "pas bon", "non plus", "que dalle", "nada", "ca marche mal", "sa marche mal", "ca fonctionne mal");
        Add(
            Cue.Neutral,
            "je sais pas", "je ne sais pas", "sais pas", "je sais plus", "j en sais rien", "aucune idee", "peut etre", "ne quittez pas",
            "pas sur", "pas certain", "je suis pas sur");

        // Longest first, so "ça marche pas du tout" is read as "ça marche" + "pas du tout", and "oui fi" as Wi-Fi.
        return [.. entries.OrderByDescending(entry => entry.Words.Length)];
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
        foreach (var entry in Lexicon)
        {
            foreach (var word in entry.Words)
            {
                words.Add(word);
            }
        }

        return words.ToFrozenSet(StringComparer.Ordinal);
    }
}
