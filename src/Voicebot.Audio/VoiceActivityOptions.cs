using System.ComponentModel.DataAnnotations;

namespace Voicebot.Audio;

/// <summary>Thresholds of the energy-based <see cref="VoiceActivityDetector"/>. Defaults suit 8 kHz telephone audio.</summary>
public sealed class VoiceActivityOptions
{
    /// <summary>A frame at or above this RMS level counts as speech, dBFS. Default -40.</summary>
    [Range(-100.0, 0.0)]
    public double SpeechThresholdDbfs { get; set; } = -40;

    /// <summary>
    /// While speaking, a frame below this RMS level counts as silence, dBFS; frames between the two thresholds keep
    /// the current state (hysteresis). Default -48; must not exceed <see cref="SpeechThresholdDbfs"/>.
    /// </summary>
    [Range(-100.0, 0.0)]
    public double SilenceThresholdDbfs { get; set; } = -48;

    /// <summary>Speech must last this long before <see cref="VoiceActivityEvent.SpeechStarted"/>, so clicks are ignored. Default 100 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan MinSpeechDuration { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Silence must last this long before <see cref="VoiceActivityEvent.SpeechEnded"/>, so pauses between words do not end an utterance. Default 700 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan Hangover { get; set; } = TimeSpan.FromMilliseconds(700);
}
