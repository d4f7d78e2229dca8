using System.ComponentModel.DataAnnotations;

namespace Voicebot.Grains.Calls;

/// <summary>How calls are run: the flow, the seed's timeouts, where caller clips go.</summary>
public sealed class CallOptions
{
    public const string SectionName = "Calls";

    /// <summary>Flow file name under <c>{AssetsDirectory}/flows</c>, without extension. Default <c>sav</c>.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_-]+$")]
    public string Flow { get; set; } = "sav";

    /// <summary>Phrase language under <c>{AssetsDirectory}/phrases</c>. Default <c>fr</c>.</summary>
    [Required]
    [RegularExpression("^[A-Za-z-]+$")]
    public string Language { get; set; } = "fr";

    /// <summary>Directory holding <c>flows/</c> and <c>phrases/</c>. Relative paths are resolved from the content root. Default <c>assets</c>.</summary>
    [Required]
    public string AssetsDirectory { get; set; } = "assets";

    /// <summary>Caller silence after the bot stops speaking before "Allô, vous êtes là ?". Default 8 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan SilenceReprompt { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>Caller silence after the bot stops speaking before goodbye and hang-up. Default 15 s.</summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:30:00")]
    public TimeSpan SilenceGiveUp { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Longest call; then goodbye and hang-up. Default 10 min.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "04:00:00")]
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Where caller clips (e.g. the spoken name) are written as WAV. Relative to the content root. Default <c>data/clips</c>.</summary>
    [Required]
    public string ClipDirectory { get; set; } = "data/clips";

    /// <summary>Caller audio level, in dBFS, above which a frame counts as speech. Default −40.</summary>
    [Range(-90.0, 0.0)]
    public double SpeechThresholdDbfs { get; set; } = -40;

    /// <summary>Shortest burst that counts as speech (shorter is a click or a cough). Default 200 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.020", "00:00:05")]
    public TimeSpan MinSpeech { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Silence that ends an utterance. Default 800 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:10")]
    public TimeSpan EndOfSpeechSilence { get; set; } = TimeSpan.FromMilliseconds(800);
}
