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

    /// <summary>
    /// Which caller audio the recognizer hears: <c>voice</c> (frames from <see cref="VoiceThresholdDbfs"/> up, with
    /// <see cref="VoicePreRoll"/> before and <see cref="VoiceHangover"/> after them; the default) or <c>all</c> (every
    /// frame of the call). <c>voice</c> spares the recognizer's traffic and billed audio while the caller is quiet.
    /// </summary>
    [Required]
    [RegularExpression("^(voice|all)$")]
    public string RecognizerAudio { get; set; } = "voice";

    /// <summary>Caller audio level, in dBFS, from which a frame is sent to the recognizer as voice. Default −50 (below
    /// <c>Calls:SpeechThresholdDbfs</c>, so a soft word reaches the recognizer even when it does not count as a turn).</summary>
    [Range(-90.0, 0.0)]
    public double VoiceThresholdDbfs { get; set; } = -50;

    /// <summary>Audio sent from before the voice starts, so the first syllable is not clipped. Default 300 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:02")]
    public TimeSpan VoicePreRoll { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Audio still sent after the last voiced frame, so the recognizer hears the pause that ends a turn. Must outlast
    /// Deepgram's <c>Endpointing</c> and <c>UtteranceEndMs</c> (checked at start-up). Default 2 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:01:00")]
    public TimeSpan VoiceHangover { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The recognizer's gate, or <see langword="null"/> when it hears every frame.</summary>
    internal RecognizerGateSettings? RecognizerGate =>
        RecognizerAudio == "voice" ? new RecognizerGateSettings(VoiceThresholdDbfs, VoicePreRoll, VoiceHangover) : null;

    /// <summary>Provider failures in a row after which the call apologises and ends with outcome error. Default 3.</summary>
    [Range(1, 20)]
    public int MaxConsecutiveFailures { get; set; } = 3;

    /// <summary>Longest wait for the language model before the rules decide alone. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan InterpretationTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
