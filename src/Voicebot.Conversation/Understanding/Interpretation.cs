namespace Voicebot.Conversation.Understanding;

/// <summary>What <see cref="FrenchUnderstanding.Interpret"/> found in one transcript.</summary>
/// <param name="Intents">Every intent found, strongest first: <see cref="Understanding.Intent.Human"/>, then the topic
/// (<see cref="Understanding.Intent.Internet"/>/<see cref="Understanding.Intent.Mobile"/>), then the answer
/// (<see cref="Understanding.Intent.Yes"/>/<see cref="Understanding.Intent.No"/>). Empty when nothing was understood.</param>
/// <param name="PhoneNumber">A valid French number, normalised to ten digits (<c>0612345678</c>), or <see langword="null"/>.</param>
/// <param name="Name">The caller's name as they said it (<c>Jean Dupont</c>), civility removed, or <see langword="null"/>.</param>
/// <param name="Key">The keypad key the caller named when the whole sentence is one ("un", "le deux", "touche dièse"), or <see langword="null"/>.</param>
public sealed record Interpretation(IReadOnlyList<Intent> Intents, string? PhoneNumber, string? Name, char? Key)
{
    /// <summary>An interpretation that found nothing.</summary>
    public static Interpretation Empty { get; } = new([], null, null, null);

    /// <summary>For a language model: how long after the request its first token arrived (the call record's timing).</summary>
    public TimeSpan? FirstToken { get; init; }

    /// <summary>The strongest intent, or <see cref="Understanding.Intent.None"/>.</summary>
    public Intent Intent => Intents.Count > 0 ? Intents[0] : Intent.None;

    /// <summary>Whether <paramref name="intent"/> is among <see cref="Intents"/>.</summary>
    public bool Has(Intent intent)
    {
        for (var i = 0; i < Intents.Count; i++)
        {
            if (Intents[i] == intent)
            {
                return true;
            }
        }

        return false;
    }
}
