namespace Voicebot.Protocol;

/// <summary>Facts about <see cref="AudioSocketKind"/> values: which are audio, at which rate.</summary>
public static class AudioSocketKinds
{
    /// <summary>Duration of one outbound frame: Asterisk does not pace, so the bot sends one frame per 20 ms.</summary>
    public static readonly TimeSpan FrameDuration = TimeSpan.FromMilliseconds(20);

    /// <summary>True for every kind Asterisk defines (0x00, 0x01, 0x03, 0x10–0x18, 0xFF).</summary>
    public static bool IsDefined(byte kind) => kind is 0x00 or 0x01 or 0x03 or 0xFF || IsAudio(kind);

    /// <summary>True for the audio kinds 0x10–0x18.</summary>
    public static bool IsAudio(byte kind) => kind is >= 0x10 and <= 0x18;

    /// <summary>True for the audio kinds 0x10–0x18.</summary>
    public static bool IsAudio(this AudioSocketKind kind) => IsAudio((byte)kind);

    /// <summary>Sample rate in Hz of an audio kind.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not an audio kind.</exception>
    public static int SampleRate(this AudioSocketKind kind) => kind switch
    {
        AudioSocketKind.Audio => 8000,
        AudioSocketKind.AudioSlin12 => 12000,
        AudioSocketKind.AudioSlin16 => 16000,
        AudioSocketKind.AudioSlin24 => 24000,
        AudioSocketKind.AudioSlin32 => 32000,
        AudioSocketKind.AudioSlin44 => 44100,
        AudioSocketKind.AudioSlin48 => 48000,
        AudioSocketKind.AudioSlin96 => 96000,
        AudioSocketKind.AudioSlin192 => 192000,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an AudioSocket audio kind."),
    };

    /// <summary>The audio kind that carries <paramref name="sampleRate"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">AudioSocket has no kind for this rate.</exception>
    public static AudioSocketKind AudioKindFor(int sampleRate) => sampleRate switch
    {
        8000 => AudioSocketKind.Audio,
        12000 => AudioSocketKind.AudioSlin12,
        16000 => AudioSocketKind.AudioSlin16,
        24000 => AudioSocketKind.AudioSlin24,
        32000 => AudioSocketKind.AudioSlin32,
        44100 => AudioSocketKind.AudioSlin44,
        48000 => AudioSocketKind.AudioSlin48,
        96000 => AudioSocketKind.AudioSlin96,
        192000 => AudioSocketKind.AudioSlin192,
        _ => throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "AudioSocket has no audio kind for this rate."),
    };

    /// <summary>Bytes in one 20 ms frame of 16-bit mono PCM at <paramref name="sampleRate"/> (320 at 8 kHz).</summary>
    public static int FrameBytes(int sampleRate) => sampleRate / 50 * 2;
}
