namespace Voicebot.Audio;

/// <summary>What a frame changed, as seen by <see cref="VoiceActivityDetector"/>.</summary>
public enum VoiceActivityEvent
{
    /// <summary>No change.</summary>
    None = 0,

    /// <summary>Speech has lasted <see cref="VoiceActivityOptions.MinSpeechDuration"/>: the caller is talking.</summary>
    SpeechStarted = 1,

    /// <summary>Silence has lasted <see cref="VoiceActivityOptions.Hangover"/>: the caller has stopped talking.</summary>
    SpeechEnded = 2,
}
