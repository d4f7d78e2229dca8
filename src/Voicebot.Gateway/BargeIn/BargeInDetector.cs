using Voicebot.Audio;

namespace Voicebot.Gateway.BargeIn;

/// <summary>
/// Decides, inbound frame by inbound frame, whether the caller is talking over the bot. A frame is caller speech when
/// its RMS level is at least <see cref="BargeInOptions.SpeechThresholdDbfs"/> and it is louder than the echo reference
/// (the loudest bot frame sent within <see cref="BargeInOptions.EchoWindow"/>) minus
/// <see cref="BargeInOptions.EchoReturnLossDb"/>; <see cref="BargeInOptions.MinSpeech"/> of consecutive speech frames
/// is a barge-in. Levels are compared as linear amplitudes, so a frame costs one sum of squares and no logarithm.
/// </summary>
/// <remarks>
/// A run of loud frames (at or above the threshold) that ends without a barge-in is counted once: as
/// <see cref="RejectedTooShort"/> when some of it was caller speech, else as <see cref="RejectedAsEcho"/>.
/// Allocation-free. Not thread-safe: one detector per call, fed by the connection's read loop; the counters may be
/// read from any thread.
/// </remarks>
internal sealed class BargeInDetector
{
    private const double FullScale = 32768;   // PcmLevel's 0 dBFS

    private readonly double _speechThresholdRms;
    private readonly double _echoRatio;
    private readonly long _minSpeechSamples;
    private long _speechSamples;
    private bool _inLoudRun;
    private bool _runHadSpeech;
    private bool _runTriggered;
    private long _bargeIns;
    private long _rejectedAsEcho;
    private long _rejectedTooShort;

    public BargeInDetector(BargeInOptions options, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        _speechThresholdRms = FullScale * Math.Pow(10, options.SpeechThresholdDbfs / 20);
        _echoRatio = Math.Pow(10, -options.EchoReturnLossDb / 20);
        _minSpeechSamples = Math.Max(1, options.MinSpeech.Ticks * sampleRate / TimeSpan.TicksPerSecond);
    }

    /// <summary>Barge-ins detected.</summary>
    public long BargeIns => Volatile.Read(ref _bargeIns);

    /// <summary>Loud runs heard while the bot played that were only the bot's own echo.</summary>
    public long RejectedAsEcho => Volatile.Read(ref _rejectedAsEcho);

    /// <summary>Loud runs with caller speech that ended before <see cref="BargeInOptions.MinSpeech"/> (clicks, coughs).</summary>
    public long RejectedTooShort => Volatile.Read(ref _rejectedTooShort);

    /// <summary>Feeds one inbound frame; returns <see langword="true"/> when it completes a barge-in.</summary>
    /// <param name="pcm16le">Signed 16-bit little-endian PCM, any even length.</param>
    /// <param name="botPlaying">Whether the bot has audio queued or playing; nothing is detected otherwise.</param>
    /// <param name="echoReferenceRms">RMS amplitude (sample units) of the loudest bot frame sent within the echo window.</param>
    public bool Process(ReadOnlySpan<byte> pcm16le, bool botPlaying, double echoReferenceRms)
    {
        if (!botPlaying)
        {
            EndLoudRun();
            return false;
        }

        var rms = PcmLevel.Rms(pcm16le);
        if (rms < _speechThresholdRms)
        {
            EndLoudRun();
            return false;
        }

        _inLoudRun = true;
        if (rms <= echoReferenceRms * _echoRatio)
        {
            _speechSamples = 0;   // the bot's echo breaks a run of caller speech
            return false;
        }

        _runHadSpeech = true;
        _speechSamples += pcm16le.Length / 2;
        if (_speechSamples < _minSpeechSamples)
        {
            return false;
        }

        // Speech that goes on over a newly queued phrase interrupts it after another MinSpeech.
        _speechSamples = 0;
        _runTriggered = true;
        Interlocked.Increment(ref _bargeIns);
        return true;
    }

    private void EndLoudRun()
    {
        if (_inLoudRun && !_runTriggered)
        {
            Interlocked.Increment(ref _runHadSpeech ? ref _rejectedTooShort : ref _rejectedAsEcho);
        }

        _inLoudRun = false;
        _runHadSpeech = false;
        _runTriggered = false;
        _speechSamples = 0;
    }
}
