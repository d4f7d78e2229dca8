namespace Voicebot.Audio;

/// <summary>
/// The fields of a RIFF/WAVE header as <see cref="RiffWaveHeaderReader"/> found them. The sizes are the ones written,
/// even when wrong: a pipe's placeholders, or the stale values a killed writer left behind.
/// </summary>
/// <param name="FormatTag">WAVEFORMATEX tag: 1 for integer PCM, 0xFFFE for WAVE_FORMAT_EXTENSIBLE.</param>
/// <param name="Channels">Interleaved channels, at least 1.</param>
/// <param name="SampleRate">Hz, positive.</param>
/// <param name="BitsPerSample">A positive multiple of 8.</param>
/// <param name="DataOffset">Byte offset of the first sample, just past the <c>data</c> chunk's id and size.</param>
/// <param name="DataBytes">The <c>data</c> chunk size the header claims.</param>
/// <param name="RiffBytes">The RIFF size the header claims (file length − 8 when it is right).</param>
public readonly record struct RiffWaveHeader(
    int FormatTag, int Channels, int SampleRate, int BitsPerSample, int DataOffset, uint DataBytes, uint RiffBytes)
{
    /// <summary>WAVE_FORMAT_PCM.</summary>
    public const int PcmFormatTag = 1;

    /// <summary>WAVE_FORMAT_EXTENSIBLE (the sub-format GUID follows in the <c>fmt </c> chunk).</summary>
    public const int ExtensibleFormatTag = 0xFFFE;

    /// <summary>Bytes of one sample frame (every channel).</summary>
    public int BlockAlign => Channels * BitsPerSample / 8;
}
