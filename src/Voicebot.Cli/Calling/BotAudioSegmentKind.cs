namespace Voicebot.Cli.Calling;

/// <summary>What a <see cref="BotAudioSegment"/> holds.</summary>
public enum BotAudioSegmentKind
{
    /// <summary>A known phrase, played exactly.</summary>
    Phrase = 0,

    /// <summary>Audio that is no known phrase (live synthesis, or a phrase list that does not match the bot's).</summary>
    Unrecognised,
}
