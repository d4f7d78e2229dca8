namespace Voicebot.Abstractions.Calls;

/// <summary>One entry of a call's history.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Speaker">Who: the bot or the caller.</param>
/// <param name="Kind">What kind of content.</param>
/// <param name="Content">Phrase key or text, DTMF digits, or an audio clip path.</param>
/// <param name="State">The flow state it happened in.</param>
[GenerateSerializer, Immutable, Alias("voicebot.conversation-turn")]
public sealed record ConversationTurn(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] Speaker Speaker,
    [property: Id(2)] TurnKind Kind,
    [property: Id(3)] string Content,
    [property: Id(4)] string State);

[GenerateSerializer, Alias("voicebot.speaker")]
public enum Speaker
{
    Bot = 0,
    Caller = 1,
}

[GenerateSerializer, Alias("voicebot.turn-kind")]
public enum TurnKind
{
    /// <summary>A cached phrase, by key.</summary>
    Phrase = 0,

    /// <summary>Text: synthesized by the bot, or transcribed from the caller.</summary>
    Text = 1,

    /// <summary>DTMF digits typed by the caller.</summary>
    Dtmf = 2,

    /// <summary>A reference to a recorded audio clip (e.g. the caller's spoken name).</summary>
    AudioClip = 3,

    /// <summary>Something that happened: a timeout, a hang-up, a check result.</summary>
    Event = 4,
}
