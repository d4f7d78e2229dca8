using System.ComponentModel.DataAnnotations;

namespace Voicebot.Recordings;

/// <summary>Archival of recordings (section <c>Recordings:Archive</c>), done by <c>voicebot recordings archive</c>.</summary>
public sealed class RecordingArchiveOptions
{
    /// <summary>Archive format. Only <c>mp3</c> (through LAME) for now. Default <c>mp3</c>.</summary>
    [Required]
    [RegularExpression("^mp3$", ErrorMessage = "Recordings:Archive:Format must be mp3.")]
    public string Format { get; set; } = "mp3";

    /// <summary>
    /// Constant bit rate of the archive, kbit/s. 32 keeps 8 kHz speech intelligible at about 14 MB per hour of call.
    /// Default 32.
    /// </summary>
    [Range(8, 320)]
    public int BitrateKbps { get; set; } = 32;

    /// <summary>Files encoded at once. Default: the processor count.</summary>
    [Range(1, 256)]
    public int Parallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Delete each WAV once its archive has been verified. Default <see langword="false"/>.</summary>
    public bool DeleteOriginals { get; set; }

    /// <summary>The LAME executable: a name looked up on <c>PATH</c> or a full path. Default <c>lame</c> (Debian package <c>lame</c>).</summary>
    [Required]
    public string Encoder { get; set; } = "lame";
}
