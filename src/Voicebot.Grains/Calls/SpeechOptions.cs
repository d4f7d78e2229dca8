using System.ComponentModel.DataAnnotations;

namespace Voicebot.Grains.Calls;

/// <summary>Which speech providers calls use, and how a spoken turn ends.</summary>
public sealed class SpeechOptions
{
    public const string SectionName = "Speech";

    /// <summary><c>none</c> (keypad menus only, the embedded default) or <c>deepgram</c>.</summary>
    [Required]
    [RegularExpression("^(none|deepgram)$")]
    public string Recognizer { get; set; } = "none";

    /// <summary>Voice of the phrases: <c>espeak</c> (embedded default), <c>openai</c> or <c>deepgram</c>. espeak-ng stays the fallback.</summary>
    [Required]
    [RegularExpression("^(espeak|openai|deepgram)$")]
    public string Synthesizer { get; set; } = "espeak";

    /// <summary>
    /// What ends a spoken turn: <c>speech_final</c> (Deepgram's endpointing, the faster) or <c>utterance_end</c>
    /// (a gap after the last word, more tolerant of pauses). Default <c>speech_final</c>.
    /// </summary>
    [Required]
    [RegularExpression("^(speech_final|utterance_end)$")]
    public string EndOfTurn { get; set; } = "speech_final";

    /// <summary>Provider failures in a row after which the call apologises and ends with outcome error. Default 3.</summary>
    [Range(1, 20)]
    public int MaxConsecutiveFailures { get; set; } = 3;

    /// <summary>Longest wait for the language model before the rules decide alone. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan InterpretationTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
