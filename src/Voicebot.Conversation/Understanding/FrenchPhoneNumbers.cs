using System.Diagnostics.CodeAnalysis;

namespace Voicebot.Conversation.Understanding;

/// <summary>
/// French telephone numbers: ten digits, a leading 0 and a second digit from 1 to 9 (<c>0612345678</c>).
/// International forms (+33, 0033, +33 (0)) are brought back to that national form.
/// </summary>
public static class FrenchPhoneNumbers
{
    /// <summary>The length of a national French number.</summary>
    public const int NationalLength = 10;

    /// <summary>Whether <paramref name="digits"/> is exactly a national French number (<c>0[1-9]</c> then eight digits).</summary>
    public static bool IsValid(string? digits) =>
        digits is { Length: NationalLength } && FrenchNumberWords.IsDigits(digits) && digits[0] == '0' && digits[1] != '0';

    /// <summary>
    /// Brings a string of digits to the national form: <c>0612345678</c>, <c>33612345678</c> (+33),
    /// <c>330612345678</c> (+33 (0)), <c>0033612345678</c> and <c>00330612345678</c> all give <c>0612345678</c>.
    /// </summary>
    public static bool TryNormalizeDigits(string? digits, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (digits is null || !FrenchNumberWords.IsDigits(digits))
        {
            return false;
        }

        string[] prefixes = ["00330", "0033", "330", "33"];
        var candidate = digits;
        if (!IsValid(candidate))
        {
            foreach (var prefix in prefixes)
            {
                if (digits.Length == prefix.Length + NationalLength - 1 && digits.StartsWith(prefix, StringComparison.Ordinal))
                {
                    candidate = "0" + digits[prefix.Length..];
                    break;
                }
            }
        }

        if (!IsValid(candidate))
        {
            return false;
        }

        normalized = candidate;
        return true;
    }

    /// <summary>
    /// Finds a French number in a transcript, spoken in words, digits or both ("zéro six, douze, trente-quatre…",
    /// "06-12-34-56-78", "+33 6 12 34 56 78"). Words around the number are ignored.
    /// </summary>
    public static bool TryNormalize(string? text, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var runs = FrenchNumberWords.ExtractDigitRuns(text);

        // Longest span of consecutive runs first: fillers ("et", "euh") may split one number, other numbers may surround it.
        for (var length = runs.Count; length >= 1; length--)
        {
            for (var start = 0; start + length <= runs.Count; start++)
            {
                var digits = string.Concat(runs.Skip(start).Take(length));
                if (TryNormalizeDigits(digits, out normalized))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Whether more digits could still complete <paramref name="digits"/> into a valid number.</summary>
    public static bool IsPlausiblePrefix(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        if (digits.Length == 0 || !FrenchNumberWords.IsDigits(digits))
        {
            return false;
        }

        if (digits.StartsWith("00", StringComparison.Ordinal))
        {
            // 0033 then 9 digits, or 00330 then 9 digits.
            return digits.Length < 14 && (digits.StartsWith("0033", StringComparison.Ordinal) || "0033".StartsWith(digits, StringComparison.Ordinal));
        }

        if (digits[0] == '0')
        {
            return digits.Length < NationalLength;
        }

        // 33 then 9 digits, or 330 then 9 digits.
        return digits.Length < 12 && (digits.StartsWith("33", StringComparison.Ordinal) || digits == "3");
    }

    /// <summary>
    /// A French number as it is read aloud, in pairs: "06 12 34 56 78" → "zéro six, douze, trente-quatre,
    /// cinquante-six, soixante-dix-huit". A pair starting with 0 is said digit by digit ("zéro six", "zéro zéro").
    /// </summary>
    public static string ToSpokenPairs(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        var pairs = new List<string>();
        for (var i = 0; i < digits.Length; i += 2)
        {
            var pair = digits.Substring(i, Math.Min(2, digits.Length - i));
            if (!pair.All(char.IsAsciiDigit))
            {
                throw new ArgumentException($"'{digits}' is not a string of digits.", nameof(digits));
            }

            pairs.Add(pair.Length == 1 || pair[0] == '0'
                ? string.Join(' ', pair.Select(d => FrenchNumberWords.ToWords(d - '0')))
                : FrenchNumberWords.ToWords(int.Parse(pair, System.Globalization.CultureInfo.InvariantCulture)));
        }

        return string.Join(", ", pairs);
    }
}
