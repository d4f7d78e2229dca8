using Voicebot.Gateway.BargeIn;
using Voicebot.Gateway.Pacing;

namespace Voicebot.Gateway.Tests.Pacing;

public sealed class PacerWarmupTests
{
    [Theory]
    [InlineData(8000, 320)]
    [InlineData(16000, 640)]
    public void Run_OneShortCall_WritesNineFramesThenTheHangupAndLogsNothing(int sampleRate, int frameBytes)
    {
        using var logs = new RecordingLoggerProvider();

        var written = PacerWarmup.Run(sampleRate, new BargeInOptions(), logs.CreateLogger("warm-up"));

        // Ticks 0–8 each write one frame (phrase, streamed phrase, then silence); tick 9 flushes and hangs up; the
        // session is closed for the last two.
        Assert.Equal((9 * (3 + frameBytes)) + 3, written);
        Assert.Empty(logs.Entries);
    }
}
