using System.Collections.Frozen;

namespace Voicebot.Conversation.Understanding;

/// <summary>
/// The intents in a French sentence: the topic (Internet or mobile), yes or no, a request for a human. Phrases of a
/// lexicon give cues, the negations around them turn "ça marche" into a no. Thread-safe (stateless).
/// </summary>
internal static class FrenchIntents
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

    /// <summary>Every word of the lexicon's phrases.</summary>
    public static IEnumerable<string> LexiconWords => Lexicon.SelectMany(entry => entry.Words);

    /// <summary>The intents of a sentence given as folded words (<see cref="FrenchText.Words"/>), at most one per kind.</summary>
    public static List<Intent> Find(List<string> words)
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
}
