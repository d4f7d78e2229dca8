using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Voicebot.Conversation.Understanding;

/// <summary>
/// Reads French numbers from 0 to 999 written in words or digits, as a speech-to-text engine transcribes them:
/// "soixante-dix-huit", "soixante et onze", "quatre vingt dix neuf", "double zéro", "06". Accent- and case-insensitive;
/// Belgian and Swiss tens (septante, huitante, octante, nonante) are accepted.
/// </summary>
public static class FrenchNumberWords
{
    private static readonly FrozenDictionary<string, int> Units = new Dictionary<string, int>
    {
        ["zero"] = 0,
        ["un"] = 1,
        ["une"] = 1,
        ["deux"] = 2,
        ["trois"] = 3,
        ["quatre"] = 4,
        ["cinq"] = 5,
        ["six"] = 6,
        ["sept"] = 7,
        ["huit"] = 8,
        ["neuf"] = 9,
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, int> Teens = new Dictionary<string, int>
    {
        ["dix"] = 10,
        ["onze"] = 11,
        ["douze"] = 12,
        ["treize"] = 13,
        ["quatorze"] = 14,
        ["quinze"] = 15,
        ["seize"] = 16,
    }.ToFrozenDictionary();

    // Speech-to-text writes "vingts" and sometimes "vins"/"vin" for "vingt".
    private static readonly FrozenDictionary<string, int> Tens = new Dictionary<string, int>
    {
        ["vingt"] = 20,
        ["vingts"] = 20,
        ["vin"] = 20,
        ["vins"] = 20,
        ["trente"] = 30,
        ["quarante"] = 40,
        ["cinquante"] = 50,
        ["soixante"] = 60,
        ["septante"] = 70,
        ["huitante"] = 80,
        ["octante"] = 80,
        ["nonante"] = 90,
    }.ToFrozenDictionary();

    /// <summary>Whether <paramref name="word"/> (folded: lower case, no accents) is a French number word or a run of digits.</summary>
    public static bool IsNumberWord(string word) =>
        IsDigits(word) || Units.ContainsKey(word) || Teens.ContainsKey(word) || Tens.ContainsKey(word)
        || word is "cent" or "cents" or "double" or "triple";

    /// <summary>Parses a text that is exactly one number, e.g. "quatre-vingt-dix-neuf" → 99 or "12" → 12.</summary>
    /// <returns><see langword="false"/> when the text holds anything else, or several numbers.</returns>
    public static bool TryParse(string text, out int value)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = FrenchText.Words(text);
        value = 0;
        if (words.Count == 0)
        {
            return false;
        }

        if (words.Count == 1 && IsDigits(words[0]))
        {
            return words[0].Length <= 9 && int.TryParse(words[0], NumberStyles.None, CultureInfo.InvariantCulture, out value);
        }

        var consumed = TryReadBelowThousand(words, 0, groupHundreds: false, out value);
        return consumed == words.Count;
    }

    /// <summary>
    /// The digits of every number in <paramref name="text"/>, in order and concatenated, each number written as its
    /// value ("zéro six douze" → <c>0612</c>); other words are skipped.
    /// </summary>
    public static string ExtractDigits(string text)
    {
        var builder = new StringBuilder();
        foreach (var run in ExtractDigitRuns(text))
        {
            builder.Append(run);
        }

        return builder.ToString();
    }

    /// <summary>
    /// The digits of <paramref name="text"/> grouped in runs: numbers that follow each other form one run, any other
    /// word ends it ("j'ai un portable, c'est le 06 12" → <c>["1", "0612"]</c>).
    /// </summary>
    public static IReadOnlyList<string> ExtractDigitRuns(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = FrenchText.Words(text);
        var runs = new List<string>();
        var run = new StringBuilder();
        var i = 0;
        while (i < words.Count)
        {
            var consumed = TryReadGroup(words, i, out var digits);
            if (consumed == 0)
            {
                if (run.Length > 0)
                {
                    runs.Add(run.ToString());
                    run.Clear();
                }

                i++;
                continue;
            }

            run.Append(digits);
            i += consumed;
        }

        if (run.Length > 0)
        {
            runs.Add(run.ToString());
        }

        return runs;
    }

    /// <summary>Reads one group (digits, "double zéro", or a number in words) at <paramref name="start"/>; returns the words consumed.</summary>
    private static int TryReadGroup(List<string> words, int start, out string digits)
    {
        var word = words[start];
        if (IsDigits(word))
        {
            digits = word;
            return 1;
        }

        if ((word is "double" or "triple") && start + 1 < words.Count)
        {
            var inner = TryReadGroup(words, start + 1, out var repeated);
            if (inner > 0)
            {
                digits = word == "double" ? repeated + repeated : repeated + repeated + repeated;
                return inner + 1;
            }
        }

        if (word == "zero")
        {
            digits = "0";
            return 1;
        }

        // Phone numbers are read in pairs: "zéro huit cent, douze" is 08 00 12, not 0 812.
        var consumed = TryReadBelowThousand(words, start, groupHundreds: true, out var value);
        digits = consumed > 0 ? value.ToString(CultureInfo.InvariantCulture) : string.Empty;
        return consumed;
    }

    private static int TryReadBelowThousand(List<string> words, int start, bool groupHundreds, out int value)
    {
        value = 0;
        var i = start;
        var hundreds = 0;
        if (i < words.Count && IsHundred(words[i]))
        {
            hundreds = 1;
            i++;
        }
        else if (i + 1 < words.Count && Units.TryGetValue(words[i], out var multiplier) && multiplier >= 2 && IsHundred(words[i + 1]))
        {
            hundreds = multiplier;
            i += 2;
        }

        if (hundreds > 0 && groupHundreds)
        {
            value = hundreds * 100;
            return i - start;
        }

        var rest = TryReadBelowHundred(words, i, out var below);
        if (hundreds == 0)
        {
            value = below;
            return rest;
        }

        value = (hundreds * 100) + below;
        return i - start + rest;
    }

    private static int TryReadBelowHundred(List<string> words, int start, out int value)
    {
        value = 0;
        if (start >= words.Count)
        {
            return 0;
        }

        var word = words[start];
        if (word == "zero")
        {
            return 1;
        }

        // quatre-vingt(s) [un…dix-neuf]
        if (word == "quatre" && start + 1 < words.Count && words[start + 1] is "vingt" or "vingts" or "vin" or "vins")
        {
            var extra = TryReadBelowTwenty(words, start + 2, out var tail);
            value = 80 + tail;
            return 2 + extra;
        }

        if (Tens.TryGetValue(word, out var tens))
        {
            var i = start + 1;
            if (i < words.Count && words[i] == "et" && i + 1 < words.Count)
            {
                // vingt et un, soixante et onze
                if (words[i + 1] is "un" or "une")
                {
                    value = tens + 1;
                    return 3;
                }

                if (tens == 60 && words[i + 1] == "onze")
                {
                    value = 71;
                    return 3;
                }
            }

            if (tens == 60)
            {
                var teen = TryReadBelowTwenty(words, i, out var sixtyTail);
                if (teen > 0 && sixtyTail >= 10)
                {
                    value = 60 + sixtyTail;
                    return 1 + teen;
                }
            }

            if (i < words.Count && Units.TryGetValue(words[i], out var unit) && unit > 0)
            {
                value = tens + unit;
                return 2;
            }

            value = tens;
            return 1;
        }

        return TryReadBelowTwenty(words, start, out value);
    }

    private static int TryReadBelowTwenty(List<string> words, int start, out int value)
    {
        value = 0;
        if (start >= words.Count)
        {
            return 0;
        }

        var word = words[start];
        if (word == "dix" && start + 1 < words.Count && Units.TryGetValue(words[start + 1], out var unitAfterTen) && unitAfterTen >= 7)
        {
            value = 10 + unitAfterTen;
            return 2;
        }

        if (Teens.TryGetValue(word, out value))
        {
            return 1;
        }

        if (Units.TryGetValue(word, out value) && value > 0)
        {
            return 1;
        }

        value = 0;
        return 0;
    }

    private static bool IsHundred(string word) => word is "cent" or "cents";

    internal static bool IsDigits(string word)
    {
        if (word.Length == 0)
        {
            return false;
        }

        foreach (var c in word)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    private static readonly string[] SpokenUnits =
    [
        "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
        "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf",
    ];

    private static readonly string[] SpokenTens = ["", "", "vingt", "trente", "quarante", "cinquante", "soixante", "soixante", "quatre-vingt", "quatre-vingt"];

    /// <summary>A number from 0 to 99 in words, as France says it ("soixante et onze", "quatre-vingts", "quatre-vingt-dix-neuf").</summary>
    public static string ToWords(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 99);
        if (value < 20)
        {
            return SpokenUnits[value];
        }

        var ten = value / 10;
        var rest = ten is 7 or 9 ? value - ((ten - 1) * 10) : value % 10;   // 70–79 and 90–99 count on from 10
        var tens = SpokenTens[ten];
        return rest switch
        {
            0 when ten == 8 => "quatre-vingts",
            0 => tens,
            1 or 11 when ten is < 8 => tens + " et " + SpokenUnits[rest],
            _ => tens + "-" + SpokenUnits[rest],
        };
    }
}
