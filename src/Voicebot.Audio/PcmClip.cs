namespace Voicebot.Audio;

/// <summary>A clip of signed 16-bit little-endian mono PCM.</summary>
/// <param name="Pcm">The samples, two bytes each.</param>
/// <param name="SampleRate">Rate, Hz.</param>
public sealed record PcmClip(byte[] Pcm, int SampleRate)
{
    /// <summary>Number of samples.</summary>
    public int SampleCount => Pcm.Length / 2;

    /// <summary>Length of the clip.</summary>
    public TimeSpan Duration => TimeSpan.FromTicks(SampleCount * TimeSpan.TicksPerSecond / SampleRate);
}
