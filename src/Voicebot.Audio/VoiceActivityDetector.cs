namespace Voicebot.Audio;

/// <summary>
/// Energy-based voice activity detection over frames of signed 16-bit PCM (typically 20 ms). A frame's RMS level is
/// compared with two thresholds (hysteresis); speech starts after <see cref="VoiceActivityOptions.MinSpeechDuration"/>
/// of loud frames and ends after <see cref="VoiceActivityOptions.Hangover"/> of quiet ones. Durations count samples,
/// so frames of any length work. Allocation-free; not thread-safe (one detector per call).
/// </summary>
public sealed class VoiceActivityDetector
{
    private readonly double _speechThresholdDbfs;
    private readonly double _silenceThresholdDbfs;
    private readonly long _minSpeechSamples;
    private readonly long _hangoverSamples;
    private long _runSamples;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> is not positive, or the silence threshold is above the speech threshold.</exception>
    public VoiceActivityDetector(VoiceActivityOptions options, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.SilenceThresholdDbfs, options.SpeechThresholdDbfs, nameof(options));
        _speechThresholdDbfs = options.SpeechThresholdDbfs;
        _silenceThresholdDbfs = options.SilenceThresholdDbfs;
        _minSpeechSamples = ToSamples(options.MinSpeechDuration, sampleRate);
        _hangoverSamples = ToSamples(options.Hangover, sampleRate);
        SampleRate = sampleRate;
    }

    /// <summary>Rate of the frames, Hz.</summary>
    public int SampleRate { get; }

    /// <summary>Between <see cref="VoiceActivityEvent.SpeechStarted"/> and <see cref="VoiceActivityEvent.SpeechEnded"/>.</summary>
    public bool IsSpeaking { get; private set; }

    /// <summary>RMS level of the last frame, dBFS.</summary>
    public double LastLevelDbfs { get; private set; } = PcmLevel.SilenceDbfs;

    /// <summary>Feeds one frame and reports whether it started or ended speech.</summary>
    public VoiceActivityEvent Process(ReadOnlySpan<short> frame) => Process(PcmLevel.RmsDbfs(frame), frame.Length);

    /// <summary>Feeds one frame of signed 16-bit little-endian PCM.</summary>
    public VoiceActivityEvent Process(ReadOnlySpan<byte> pcm16le) => Process(PcmLevel.RmsDbfs(pcm16le), pcm16le.Length / 2);

    /// <summary>Forgets everything: back to silence.</summary>
    public void Reset()
    {
        IsSpeaking = false;
        _runSamples = 0;
        LastLevelDbfs = PcmLevel.SilenceDbfs;
    }

    private VoiceActivityEvent Process(double levelDbfs, int samples)
    {
        LastLevelDbfs = levelDbfs;
        if (!IsSpeaking)
        {
            // _runSamples counts consecutive loud samples.
            if (levelDbfs < _speechThresholdDbfs)
            {
                _runSamples = 0;
                return VoiceActivityEvent.None;
            }

            _runSamples += samples;
            if (_runSamples < _minSpeechSamples)
            {
                return VoiceActivityEvent.None;
            }

            IsSpeaking = true;
            _runSamples = 0;
            return VoiceActivityEvent.SpeechStarted;
        }

        // _runSamples counts consecutive quiet samples.
        if (levelDbfs >= _silenceThresholdDbfs)
        {
            _runSamples = 0;
            return VoiceActivityEvent.None;
        }

        _runSamples += samples;
        if (_runSamples < _hangoverSamples)
        {
            return VoiceActivityEvent.None;
        }

        IsSpeaking = false;
        _runSamples = 0;
        return VoiceActivityEvent.SpeechEnded;
    }

    private static long ToSamples(TimeSpan duration, int sampleRate) => duration.Ticks * sampleRate / TimeSpan.TicksPerSecond;
}
