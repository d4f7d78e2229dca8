using System.ComponentModel.DataAnnotations;

namespace Voicebot.Providers.Espeak;

/// <summary>Settings of the embedded espeak-ng synthesizer (section <c>Espeak</c>). Every default works with no keys.</summary>
public sealed class EspeakOptions
{
    public const string SectionName = "Espeak";

    /// <summary>The espeak-ng executable, a name looked up on <c>PATH</c> or a full path. Default <c>espeak-ng</c>.</summary>
    [Required]
    public string ExecutablePath { get; set; } = "espeak-ng";

    /// <summary>Voice passed to <c>-v</c>, optionally with a variant (<c>fr</c>, <c>fr-be</c>, <c>fr+f3</c>). Default <c>fr</c>.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9_+/-]*$")]
    public string Voice { get; set; } = "fr";

    /// <summary>Speaking rate passed to <c>-s</c>, in words per minute (espeak-ng accepts 80–450). Default 160.</summary>
    [Range(80, 450)]
    public int WordsPerMinute { get; set; } = 160;

    /// <summary>Pitch passed to <c>-p</c>, 0–99. Default 50.</summary>
    [Range(0, 99)]
    public int Pitch { get; set; } = 50;

    /// <summary>
    /// Longest wait for espeak-ng to produce something (the WAV header, each chunk, its exit); time spent by the
    /// consumer between chunks does not count. Default 10 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>espeak-ng processes running at once; further utterances wait. Default <see cref="Environment.ProcessorCount"/>.</summary>
    [Range(1, 1024)]
    public int MaxConcurrency { get; set; } = Environment.ProcessorCount;
}
