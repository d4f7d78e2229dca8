using System.Text;

namespace Voicebot.Conversation.Understanding;

/// <summary>Folding and tokenisation shared by the French rules: lower case, no accents, words only.</summary>
internal static class FrenchText
{
    /// <summary>Lower-cases and strips French diacritics; other characters are kept. Works in invariant globalization mode.</summary>
    public static string Fold(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            AppendFolded(builder, char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    /// <summary>
    /// Splits folded text into words of letters and digits. Apostrophes, hyphens, dots and other punctuation separate
    /// words ("l'ADSL" → <c>l adsl</c>, "06-12" → <c>06 12</c>, "trente-quatre" → <c>trente quatre</c>).
    /// </summary>
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var c in Fold(text))
        {
            if (char.IsLetterOrDigit(c))
            {
                current.Append(c);
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words;
    }

    /// <summary>
    /// Splits the original text into words that keep their spelling and inner hyphens ("Jean-Pierre"), separated by
    /// spaces, apostrophes and punctuation; used to give names back as they were written.
    /// </summary>
    public static List<string> OriginalWords(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c) || (c == '-' && current.Length > 0))
            {
                current.Append(c);
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString().TrimEnd('-'));
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString().TrimEnd('-'));
        }

        return words;
    }

    private static void AppendFolded(StringBuilder builder, char c)
    {
        switch (c)
        {
            case 'à' or 'â' or 'ä' or 'á' or 'ã' or 'å':
                builder.Append('a');
                break;
            case 'é' or 'è' or 'ê' or 'ë':
                builder.Append('e');
                break;
            case 'î' or 'ï' or 'í' or 'ì':
                builder.Append('i');
                break;
            case 'ô' or 'ö' or 'ó' or 'ò' or 'õ':
                builder.Append('o');
                break;
            case 'ù' or 'û' or 'ü' or 'ú':
                builder.Append('u');
                break;
            case 'ÿ':
                builder.Append('y');
                break;
            case 'ç':
                builder.Append('c');
                break;
            case 'ñ':
                builder.Append('n');
                break;
            case 'œ':
                builder.Append("oe");
                break;
            case 'æ':
                builder.Append("ae");
                break;
            case '’' or '‘' or '`' or '´':
                builder.Append('\'');
                break;
            default:
                builder.Append(c);
                break;
        }
    }
}
