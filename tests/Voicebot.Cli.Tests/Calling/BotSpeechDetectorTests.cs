using Voicebot.Cli.Calling;
using Voicebot.Cli.Tests.Support;

namespace Voicebot.Cli.Tests.Calling;

public sealed class BotSpeechDetectorTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(20);

    [Fact]
    public void Add_SpeechThenEnoughSilenceFrames_FinishesOnePrompt()
    {
        var detector = new BotSpeechDetector(64, TimeSpan.FromMilliseconds(600));
        var speech = Tone.Pcm(0.02, 8000, 440, 4000);
        var silence = new byte[320];

        detector.Add(speech, Frame);
        var finished = Enumerable.Range(0, 30).Select(_ => detector.Add(silence, Frame)).ToList();

        Assert.Equal(1, detector.PromptsStarted);
        Assert.Equal(1, detector.PromptsFinished);
        Assert.True(finished[^1]);
        Assert.Equal(1, finished.Count(f => f));
        Assert.False(detector.IsSpeaking);
    }

    [Fact]
    public void Add_ShortPauseInsideSpeech_DoesNotFinishThePrompt()
    {
        var detector = new BotSpeechDetector(64, TimeSpan.FromMilliseconds(600));
        var speech = Tone.Pcm(0.02, 8000, 440, 4000);

        detector.Add(speech, Frame);
        for (var i = 0; i < 10; i++)
        {
            detector.Add(new byte[320], Frame);
        }

        detector.Add(speech, Frame);

        Assert.Equal(0, detector.PromptsFinished);
        Assert.True(detector.IsSpeaking);
    }

    [Fact]
    public void Add_QuietNoise_IsNotSpeech()
    {
        var detector = new BotSpeechDetector(64, TimeSpan.FromMilliseconds(600));

        detector.Add(Tone.Pcm(0.02, 8000, 440, 20), Frame);

        Assert.False(detector.IsSpeaking);
        Assert.Equal(0, detector.PromptsStarted);
    }

    [Fact]
    public void Rms_FullScaleSquareWave_IsItsAmplitude()
    {
        byte[] pcm = [0xE8, 0x03, 0x18, 0xFC];   // +1000, -1000

        Assert.Equal(1000, BotSpeechDetector.Rms(pcm), 6);
    }
}
