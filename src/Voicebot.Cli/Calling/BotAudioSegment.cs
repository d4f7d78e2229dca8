using System.Globalization;

namespace Voicebot.Cli.Calling;

/// <summary>A stretch of the bot's audio, labelled by <see cref="BotPhraseMatcher"/>.</summary>
/// <param name="Kind">A phrase, or unrecognised audio.</param>
/// <param name="Start">Position in the bot's audio stream (not wall-clock arrival).</param>
/// <param name="Duration">Length of the stretch (for a phrase: its frames, padding included).</param>
/// <param name="PhraseKey">The phrase key, for <see cref="BotAudioSegmentKind.Phrase"/>.</param>
/// <param name="Text">The phrase text, for <see cref="BotAudioSegmentKind.Phrase"/>.</param>
public sealed record BotAudioSegment(BotAudioSegmentKind Kind, TimeSpan Start, TimeSpan Duration, string? PhraseKey = null, string? Text = null)
{
    /// <summary><c>« text »</c> for a phrase, <c>unrecognised audio (1.4 s)</c> otherwise.</summary>
    public override string ToString() => Kind == BotAudioSegmentKind.Phrase
        ? $"« {Text} »"
        : string.Create(CultureInfo.InvariantCulture, $"unrecognised audio ({Duration.TotalSeconds:0.0} s)");
}
