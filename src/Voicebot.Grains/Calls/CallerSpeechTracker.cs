using System.Runtime.InteropServices;

namespace Voicebot.Grains.Calls;

/// <summary>
/// Frame-by-frame speech detection on the caller's audio: a burst counts as speech once it lasts
/// <c>minSpeech</c>, and ends after <c>endSilence</c> of quiet. Driven by frame durations, not by a clock, so it is
/// exact in tests. Not thread-safe (one per call, used inside the grain).
/// </summary>
internal sealed class CallerSpeechTracker(double thresholdDbfs, TimeSpan minSpeech, TimeSpan endSilence)
{
    private readonly double _thresholdSquared = Math.Pow(32768 * Math.Pow(10, thresholdDbfs / 20), 2);
    private TimeSpan _loud;
    private TimeSpan _quiet;

    /// <summary>True between a confirmed speech start and its end.</summary>
    public bool InSpeech { get; private set; }

    /// <summary>True once any speech has been confirmed since the last <see cref="Reset"/>.</summary>
    public bool HeardSpeech { get; private set; }

    /// <summary>Whether the last frame fed was above the threshold (the caller's voice, or noise).</summary>
    public bool LastFrameLoud { get; private set; }

    public void Reset()
    {
        _loud = TimeSpan.Zero;
        _quiet = TimeSpan.Zero;
        InSpeech = false;
        HeardSpeech = false;
    }

    /// <summary>Feeds one frame of 16-bit little-endian PCM; returns what changed.</summary>
    public SpeechChange Process(ReadOnlySpan<byte> pcm, int sampleRate)
    {
        var samples = MemoryMarshal.Cast<byte, short>(pcm);
        if (samples.IsEmpty)
        {
            return SpeechChange.None;
        }

        double sum = 0;
        foreach (var s in samples)
        {
            sum += (double)s * s;
        }

        var duration = TimeSpan.FromSeconds((double)samples.Length / sampleRate);
        var loud = sum / samples.Length >= _thresholdSquared;
        LastFrameLoud = loud;
        if (loud)
        {
            _loud += duration;
            _quiet = TimeSpan.Zero;
            if (!InSpeech && _loud >= minSpeech)
            {
                InSpeech = true;
                HeardSpeech = true;
                return SpeechChange.Started;
            }

            return SpeechChange.None;
        }

        _quiet += duration;
        if (InSpeech)
        {
            if (_quiet >= endSilence)
            {
                InSpeech = false;
                _loud = TimeSpan.Zero;
                return SpeechChange.Ended;
            }
        }
        else if (_quiet >= minSpeech)
        {
            _loud = TimeSpan.Zero;   // a click or a cough: forget it
        }

        return SpeechChange.None;
    }
}

internal enum SpeechChange
{
    None,
    Started,
    Ended,
}
