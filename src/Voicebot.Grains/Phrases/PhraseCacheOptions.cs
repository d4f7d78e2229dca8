using System.ComponentModel.DataAnnotations;

namespace Voicebot.Grains.Phrases;

/// <summary>Where and how fixed phrases are pre-rendered.</summary>
public sealed class PhraseCacheOptions
{
    public const string SectionName = "PhraseCache";

    /// <summary>Cache directory (relative to the content root). One file per phrase, rate and voice. Default <c>data/phrase-cache</c>.</summary>
    [Required]
    public string Directory { get; set; } = "data/phrase-cache";

    /// <summary>Rates rendered at start-up, Hz. Default 8000 (16000 is rendered on first use by a slin16 call).</summary>
    [Required]
    [MinLength(1)]
    public int[] WarmUpRates { get; set; } = [8000];

    /// <summary>Phrases rendered at once during warm-up. Default 2.</summary>
    [Range(1, 64)]
    public int RenderConcurrency { get; set; } = 2;
}
