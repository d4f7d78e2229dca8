using Voicebot.Conversation;
using Voicebot.Grains.Calls;

namespace Voicebot.Grains.Tests.Calls;

public sealed class CallerRecordingTests
{
    private const int Rate = 8000;
    private static readonly CallOptions Options = new() { SpeechThresholdDbfs = -40, MinSpeech = TimeSpan.FromMilliseconds(200) };
    private static readonly StartRecording Request = new("name_clip", TimeSpan.FromSeconds(2), EndSilence: TimeSpan.FromMilliseconds(400));

    [Fact]
    public void Write_VoiceThenThePause_SeesTheVoiceStartAndEnd()
    {
        var recording = new CallerRecording(Request, Options, Rate);
        var changes = new List<SpeechChange>();

        for (var i = 0; i < 15; i++)
        {
            changes.Add(recording.Write(Tone(), Rate));
        }

        for (var i = 0; i < 25; i++)
        {
            changes.Add(recording.Write(new byte[320], Rate));
        }

        Assert.Equal([SpeechChange.Started, SpeechChange.Ended], changes.Where(c => c != SpeechChange.None));
        Assert.True(recording.HeardSpeech);
        Assert.False(recording.InSpeech);
        Assert.Equal(40 * 320, recording.ToArray().Length);
    }

    [Fact]
    public void WriteSilence_KeptBackQuiet_IsZerosBetweenTheFramesAround()
    {
        var recording = new CallerRecording(Request, Options, Rate);

        recording.Write(Tone(), Rate);
        recording.WriteSilence(samples: 800);   // 100 ms the gateway kept back
        recording.Write(Tone(), Rate);

        var pcm = recording.ToArray();
        Assert.Equal(320 + 1600 + 320, pcm.Length);
        Assert.All(pcm.AsSpan(320, 1600).ToArray(), b => Assert.Equal(0, b));
        Assert.Equal(Tone(), pcm.AsSpan(1920).ToArray());
    }

    [Fact]
    public void Write_MoreThanTheLimit_KeepsTheRequestsLength()
    {
        var recording = new CallerRecording(Request, Options, Rate);

        recording.WriteSilence(samples: 15_000);
        for (var i = 0; i < 10; i++)
        {
            recording.Write(Tone(), Rate);
        }

        recording.WriteSilence(samples: 5_000);

        Assert.Equal(2 * Rate * 2, recording.ToArray().Length);   // 2 s, whatever was sent
    }

    [Fact]
    public void RecordingDemand_CoversTheRecordingsEndAndASoftStart()
    {
        var nearVoice = CallAudioDemands.NearVoice(Options, recognizer: null);
        var longPause = Request with { EndSilence = TimeSpan.FromSeconds(2) };

        var demand = CallAudioDemands.Recording(nearVoice, Options, longPause);

        Assert.False(demand.Everything);
        Assert.Equal(nearVoice.ThresholdDbfs, demand.ThresholdDbfs);
        Assert.Equal(TimeSpan.FromMilliseconds(300), demand.PreRoll);
        Assert.True(demand.Hangover >= TimeSpan.FromSeconds(2.2));   // the recording's pause after its minimum speech
        Assert.True(CallAudioDemands.Recording(Abstractions.Calls.InboundAudioDemand.All, Options, longPause).Everything);
    }

    private static byte[] Tone()
    {
        var frame = new byte[320];
        for (var i = 0; i < 160; i++)
        {
            var sample = (short)(8000 * Math.Sin(2 * Math.PI * 400 * i / Rate));
            frame[2 * i] = (byte)sample;
            frame[(2 * i) + 1] = (byte)(sample >> 8);
        }

        return frame;
    }
}
