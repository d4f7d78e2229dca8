namespace Voicebot.Audio.Tests;

public sealed class VoiceActivityDetectorTests
{
    private const int Rate = 8000;
    private const int Frame = 160; // 20 ms

    private static readonly VoiceActivityOptions Options = new()
    {
        SpeechThresholdDbfs = -40,
        SilenceThresholdDbfs = -48,
        MinSpeechDuration = TimeSpan.FromMilliseconds(100),
        Hangover = TimeSpan.FromMilliseconds(700),
    };

    [Fact]
    public void Process_ToneBurstThenSilence_StartsAfterMinSpeechAndEndsAfterHangover()
    {
        var detector = new VoiceActivityDetector(Options, Rate);
        var frames = new List<short[]>();
        frames.AddRange(Frames(Noise(-70), 10));
        frames.AddRange(Frames(Tone(-20), 25));
        frames.AddRange(Frames(Noise(-70), 50));

        var events = Run(detector, frames);

        // 100 ms = the 5th tone frame (index 10 + 4); 700 ms of silence = the 35th quiet frame (index 35 + 34).
        Assert.Equal([(14, VoiceActivityEvent.SpeechStarted), (69, VoiceActivityEvent.SpeechEnded)], events);
        Assert.False(detector.IsSpeaking);
    }

    [Fact]
    public void Process_ShortClick_IsIgnored()
    {
        var detector = new VoiceActivityDetector(Options, Rate);
        var click = new short[Frame];
        for (var i = 0; i < 80; i++)
        {
            click[i] = (short)(i % 2 == 0 ? 30000 : -30000);
        }

        var events = Run(detector, [.. Frames(Noise(-70), 5), click, .. Frames(Noise(-70), 5), click, click, .. Frames(Noise(-70), 5)]);

        Assert.Empty(events);
        Assert.False(detector.IsSpeaking);
    }

    [Fact]
    public void Process_PauseShorterThanHangover_KeepsSpeaking()
    {
        var detector = new VoiceActivityDetector(Options, Rate);

        var events = Run(detector, [.. Frames(Tone(-20), 10), .. Frames(Noise(-70), 30), .. Frames(Tone(-20), 10)]);

        Assert.Equal([(4, VoiceActivityEvent.SpeechStarted)], events);
        Assert.True(detector.IsSpeaking);
    }

    [Fact]
    public void Process_LevelBetweenThresholds_KeepsTheCurrentState()
    {
        var quiet = new VoiceActivityDetector(Options, Rate);
        var speaking = new VoiceActivityDetector(Options, Rate);
        Run(speaking, Frames(Tone(-20), 10));

        var quietEvents = Run(quiet, Frames(Tone(-44), 100));
        var speakingEvents = Run(speaking, Frames(Tone(-44), 100));

        Assert.Empty(quietEvents);
        Assert.Empty(speakingEvents);
        Assert.False(quiet.IsSpeaking);
        Assert.True(speaking.IsSpeaking);
    }

    [Fact]
    public void Process_Bytes_BehavesLikeSamples()
    {
        var detector = new VoiceActivityDetector(Options, Rate);
        var events = new List<VoiceActivityEvent>();

        foreach (var frame in Frames(Tone(-20), 5))
        {
            events.Add(detector.Process(Signal.ToBytes(frame).AsSpan()));
        }

        Assert.Equal(VoiceActivityEvent.SpeechStarted, events[^1]);
        Assert.Equal(-20, detector.LastLevelDbfs, 0.1);
    }

    [Fact]
    public void Reset_WhileSpeaking_ReturnsToSilence()
    {
        var detector = new VoiceActivityDetector(Options, Rate);
        Run(detector, Frames(Tone(-20), 10));

        detector.Reset();

        Assert.False(detector.IsSpeaking);
        Assert.Equal(PcmLevel.SilenceDbfs, detector.LastLevelDbfs);
    }

    [Fact]
    public void Constructor_SilenceThresholdAboveSpeechThreshold_Throws()
    {
        var options = new VoiceActivityOptions { SpeechThresholdDbfs = -50, SilenceThresholdDbfs = -40 };

        Assert.Throws<ArgumentOutOfRangeException>(() => new VoiceActivityDetector(options, Rate));
    }

    private static List<(int Frame, VoiceActivityEvent Event)> Run(VoiceActivityDetector detector, IEnumerable<short[]> frames)
    {
        var events = new List<(int, VoiceActivityEvent)>();
        var index = 0;
        foreach (var frame in frames)
        {
            var activity = detector.Process(frame.AsSpan());
            if (activity != VoiceActivityEvent.None)
            {
                events.Add((index, activity));
            }

            index++;
        }

        return events;
    }

    private static IEnumerable<short[]> Frames(short[] signal, int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return signal.AsSpan((i * Frame) % (signal.Length - Frame), Frame).ToArray();
        }
    }

    private static short[] Tone(double dbfs) =>
        Signal.Tone(300, Rate, Rate, 32768 * Math.Sqrt(2) * Math.Pow(10, dbfs / 20));

    private static short[] Noise(double dbfs)
    {
        // Uniform noise in ±a has RMS a/√3.
        var amplitude = 32768 * Math.Sqrt(3) * Math.Pow(10, dbfs / 20);
        var random = new Random(42);
        var noise = new short[Rate];
        for (var i = 0; i < noise.Length; i++)
        {
            noise[i] = (short)Math.Round((random.NextDouble() * 2 - 1) * amplitude);
        }

        return noise;
    }
}
