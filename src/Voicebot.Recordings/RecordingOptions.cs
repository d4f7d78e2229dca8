using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Voicebot.Recordings;

/// <summary>Call recordings (section <c>Recordings</c>): where the stereo WAV files go, how they are archived and kept.</summary>
public sealed class RecordingOptions
{
    public const string SectionName = "Recordings";

    /// <summary>Record every admitted call. Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Root of the recordings; each day gets a <c>yyyy-MM-dd</c> folder (UTC). Relative paths are resolved from the
    /// content root. Default <c>data/recordings</c>.
    /// </summary>
    [Required]
    public string Directory { get; set; } = "data/recordings";

    /// <summary>
    /// How often the WAV header's sizes are brought up to what is on disk. A crash loses at most this much audio from
    /// what a player sees (<c>voicebot recordings repair</c> recovers the rest). Default 1 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan HeaderUpdateInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Days a recording (WAV or archive) is kept by <c>voicebot recordings archive</c>; 0 keeps them forever. Default 90.</summary>
    [Range(0, 36_500)]
    public int RetentionDays { get; set; } = 90;

    /// <summary>How <c>voicebot recordings archive</c> compresses recordings.</summary>
    [Required]
    [ValidateObjectMembers]
    public RecordingArchiveOptions Archive { get; set; } = new();
}
