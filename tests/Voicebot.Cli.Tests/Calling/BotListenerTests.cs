using Microsoft.Extensions.Time.Testing;
using Voicebot.Cli.Calling;
using Voicebot.Cli.Tests.Support;
using Voicebot.Protocol;

namespace Voicebot.Cli.Tests.Calling;

public sealed class BotListenerTests
{
    [Fact]
    public void OnHangup_EndsTheCallAsBotHungUpAndStopsReading()
    {
        var ended = new List<CallEndReason>();
        var listener = new BotListener(new SimulatedCallerOptions(), 0, ended.Add);

        var keepReading = listener.OnHangup(0);

        Assert.False(keepReading);
        Assert.Equal([CallEndReason.BotHungUp], ended);
    }

    [Fact]
    public void OnOtherMessage_ErrorFrame_IsAViolationThatEndsTheCall()
    {
        var ended = new List<CallEndReason>();
        var listener = new BotListener(new SimulatedCallerOptions(), 0, ended.Add);

        var keepReading = listener.OnOtherMessage(AudioSocketKind.Error, [0x01], 0);

        Assert.False(keepReading);
        Assert.Equal([CallEndReason.ProtocolViolation], ended);
        Assert.Contains("0xFF", Assert.Single(listener.Violations), StringComparison.Ordinal);
    }

    [Fact]
    public void OnAudio_OddLengthWhenViolationsAreTolerated_IsRecordedAndReadingGoesOn()
    {
        var ended = new List<CallEndReason>();
        var listener = new BotListener(new SimulatedCallerOptions { HangUpOnProtocolViolation = false }, 0, ended.Add);

        var keepReading = listener.OnAudio(AudioSocketKind.Audio, [1, 2, 3], 0);

        Assert.True(keepReading);
        Assert.Empty(ended);
        Assert.Single(listener.Violations);
        Assert.Empty(listener.GetReceivedFrames());
    }

    [Fact]
    public void TryConsumeFinishedPrompt_SpeechThenQuiet_IsTrueOnceAtTheFrameTimesOfTheConnectionClock()
    {
        var time = new FakeTimeProvider();
        var origin = time.GetTimestamp();
        var listener = new BotListener(new SimulatedCallerOptions { TimeProvider = time }, origin, _ => { });
        time.Advance(TimeSpan.FromSeconds(1));

        listener.OnAudio(AudioSocketKind.Audio, Tone.Pcm(0.02, 8000, 440, 4000), time.GetTimestamp());
        var tooSoon = listener.TryConsumeFinishedPrompt(ended: false, TimeSpan.FromSeconds(1.5), TimeSpan.FromMilliseconds(600));
        var finished = listener.TryConsumeFinishedPrompt(ended: false, TimeSpan.FromSeconds(1.6), TimeSpan.FromMilliseconds(600));
        var again = listener.TryConsumeFinishedPrompt(ended: false, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(600));

        Assert.Equal(TimeSpan.FromSeconds(1), Assert.Single(listener.GetReceivedFrames()).ArrivedAt);
        Assert.False(tooSoon);
        Assert.True(finished);
        Assert.False(again);
    }
}
