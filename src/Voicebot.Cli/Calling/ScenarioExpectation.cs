namespace Voicebot.Cli.Calling;

/// <summary>
/// What the bot should have done, checked by <c>voicebot call</c> and the end-to-end tests against the outcome the bot
/// serves at <c>GET http://host:8088/calls/{id}/outcome</c> and the phrases the caller heard.
/// </summary>
public sealed record ScenarioExpectation
{
    /// <summary>Expected outcome, as the bot names it: <c>resolved</c>, <c>transfer</c>, <c>noTechnician</c>, <c>abandoned</c>, <c>error</c>.</summary>
    public string? Outcome { get; init; }

    /// <summary>Flow states the call should visit, in order.</summary>
    public IReadOnlyList<string>? States { get; init; }

    /// <summary>Phrase keys the caller should hear, in order.</summary>
    public IReadOnlyList<string>? Phrases { get; init; }

    /// <summary>
    /// Checks the bot's <paramref name="outcome"/> against <see cref="Outcome"/> (<c>noTechnician</c> and
    /// <c>no-technician</c> are the same). Returns <see langword="null"/> when it matches or nothing is expected, else
    /// "expected …, got …".
    /// </summary>
    public string? FindOutcomeMismatch(CallOutcomeReport outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return Outcome is null || Normalize(Outcome) == Normalize(outcome.Outcome)
            ? null
            : $"expected outcome {Outcome}, got {outcome}";

        static string Normalize(string word) => word.Replace("-", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
    }

    /// <summary>
    /// Checks <paramref name="heard"/> (from <see cref="BotPhraseMatcher.MatchKeys"/>) against <see cref="Phrases"/>: every
    /// expected key must appear, in order; other phrases (re-prompts, read-backs) may come in between. Returns
    /// <see langword="null"/> when it matches, else what is missing.
    /// </summary>
    public string? FindPhraseMismatch(IReadOnlyList<string> heard)
    {
        ArgumentNullException.ThrowIfNull(heard);
        if (Phrases is null)
        {
            return null;
        }

        var next = 0;
        foreach (var expected in Phrases)
        {
            while (next < heard.Count && heard[next] != expected)
            {
                next++;
            }

            if (next == heard.Count)
            {
                return $"Expected phrase '{expected}' (in order: {string.Join(", ", Phrases)}) but heard: {string.Join(", ", heard)}.";
            }

            next++;
        }

        return null;
    }
}
