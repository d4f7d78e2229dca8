using System.Runtime.InteropServices;
using Voicebot.Grains.Calls;

namespace Voicebot.Grains.Tests.Calls;

public sealed class RecognizerAudioGateTests
{
    private const int SampleRate = 8000;
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(20);
    private readonly List<byte[]> _sent = [];

    [Fact]
    public void Feed_OnlySilence_SendsNothingAndCountsWhatFellOutOfThePreRoll()
    {
        var gate = Gate(preRoll: TimeSpan.FromMilliseconds(100));

        for (var i = 0; i < 50; i++)
        {
            gate.Feed(Silence());
        }

        Assert.Empty(_sent);
        Assert.Equal(45 * Frame, gate.Skipped);   // the last 5 frames are held as pre-roll
    }

    [Fact]
    public void Feed_VoiceAfterSilence_SendsThePreRollOldestFirstThenTheVoice()
    {
        var gate = Gate(preRoll: TimeSpan.FromMilliseconds(100));
        var silence = Enumerable.Range(0, 20).Select(_ => Silence()).ToArray();
        foreach (var frame in silence)
        {
            gate.Feed(frame);
        }

        var voice = Voice(3000);
        gate.Feed(voice);

        Assert.Equal(silence[^5..].Append(voice), _sent);
        Assert.Equal(15 * Frame, gate.Skipped);
    }

    [Fact]
    public void Skip_AudioTheGatewayKeptBack_IsCounted_AndWhatWasHeldNoLongerLeadsIntoTheVoice()
    {
        var gate = Gate(preRoll: TimeSpan.FromMilliseconds(100));
        var before = Enumerable.Range(0, 3).Select(_ => Silence()).ToArray();
        foreach (var frame in before)
        {
            gate.Feed(frame);
        }

        gate.Skip(TimeSpan.FromSeconds(4));
        var preRoll = Silence();
        var voice = Voice(3000);
        gate.Feed(preRoll);
        gate.Feed(voice);

        Assert.Equal([preRoll, voice], _sent);
        Assert.Equal(TimeSpan.FromSeconds(4) + (3 * Frame), gate.Skipped);
    }

    [Fact]
    public void NearVoiceDemand_CoversWhatTheRecognizerAndTheSpeechDetectorNeed()
    {
        var calls = new CallOptions { SpeechThresholdDbfs = -40, MinSpeech = TimeSpan.FromMilliseconds(200), EndOfSpeechSilence = TimeSpan.FromSeconds(3) };
        var voice = new SpeechOptions { VoiceThresholdDbfs = -50, VoicePreRoll = TimeSpan.FromMilliseconds(300), VoiceHangover = TimeSpan.FromSeconds(2) };

        var withRecognizer = CallAudioDemands.NearVoice(calls, voice);
        var keypadOnly = CallAudioDemands.NearVoice(calls, recognizer: null);
        var wholeCall = CallAudioDemands.NearVoice(calls, new SpeechOptions { RecognizerAudio = "all" });

        Assert.Equal((false, -50.0, TimeSpan.FromMilliseconds(300)), (withRecognizer.Everything, withRecognizer.ThresholdDbfs, withRecognizer.PreRoll));
        Assert.True(withRecognizer.Hangover > TimeSpan.FromSeconds(3.2));   // the detector's end of speech outlasts the gate's hangover here
        Assert.Equal((false, -40.0, TimeSpan.Zero), (keypadOnly.Everything, keypadOnly.ThresholdDbfs, keypadOnly.PreRoll));
        Assert.True(wholeCall.Everything);
    }

    [Fact]
    public void Feed_SilenceAfterVoice_SendsTheHangoverThenHoldsAgain()
    {
        var gate = Gate(preRoll: TimeSpan.Zero, hangover: TimeSpan.FromMilliseconds(200));
        gate.Feed(Voice(3000));
        var after = Enumerable.Range(0, 30).Select(_ => Silence()).ToArray();
        foreach (var frame in after)
        {
            gate.Feed(frame);
        }

        Assert.Equal(11, _sent.Count);   // the voice, then 200 ms of the pause
        Assert.Equal(after[..10], _sent[1..]);
        Assert.Equal(20 * Frame, gate.Skipped);
    }

    [Fact]
    public void Feed_VoiceAgainWithinTheHangover_KeepsSendingWithoutAGap()
    {
        var gate = Gate(preRoll: TimeSpan.FromMilliseconds(100), hangover: TimeSpan.FromMilliseconds(200));
        var frames = new List<byte[]> { Voice(3000) };
        frames.AddRange(Enumerable.Range(0, 8).Select(_ => Silence()));
        frames.Add(Voice(3000));
        frames.AddRange(Enumerable.Range(0, 8).Select(_ => Silence()));
        foreach (var frame in frames)
        {
            gate.Feed(frame);
        }

        Assert.Equal(frames, _sent);
        Assert.Equal(TimeSpan.Zero, gate.Skipped);
    }

    [Fact]
    public void Feed_SoftWordBelowTheTurnThresholdButAboveTheGates_IsSent()
    {
        var gate = Gate(preRoll: TimeSpan.Zero);
        var soft = Voice(150);   // about −47 dBFS: under Calls:SpeechThresholdDbfs (−40), over the gate (−50)
        var faint = Voice(50);   // about −56 dBFS: line noise

        gate.Feed(faint);
        gate.Feed(soft);

        Assert.Same(soft, Assert.Single(_sent));
    }

    [Fact]
    public void Feed_AnyMixOfVoiceAndSilence_SendsEachFrameAtMostOnceInCallOrderAndAccountsForEveryOther()
    {
        var gate = Gate(preRoll: TimeSpan.FromMilliseconds(300), hangover: TimeSpan.FromMilliseconds(500));
        var random = new Random(7);
        var frames = new List<byte[]>();
        for (var burst = 0; burst < 40; burst++)
        {
            var loud = random.Next(2) == 0;
            for (var i = random.Next(1, 60); i > 0; i--)
            {
                var frame = loud ? Voice(3000) : Silence();
                frames.Add(frame);
                gate.Feed(frame);
            }
        }

        var order = new Dictionary<byte[], int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < frames.Count; i++)
        {
            order[frames[i]] = i;
        }

        var sentIndexes = _sent.Select(f => order[f]).ToList();
        Assert.Equal(sentIndexes.Order(), sentIndexes);
        Assert.Equal(sentIndexes.Count, sentIndexes.Distinct().Count());
        Assert.All(frames.Where(IsLoud), f => Assert.Contains(f, _sent));
        var held = frames.Count - _sent.Count - (int)(gate.Skipped / Frame);
        Assert.InRange(held, 0, 15);   // what is still held as pre-roll, at most 300 ms
        Assert.True(gate.Skipped > TimeSpan.Zero);
    }

    private RecognizerAudioGate Gate(TimeSpan preRoll, TimeSpan? hangover = null) =>
        new(new RecognizerGateSettings(-50, preRoll, hangover ?? TimeSpan.FromSeconds(2)), SampleRate, _sent.Add);

    private static byte[] Silence() => new byte[320];

    private static byte[] Voice(short amplitude)
    {
        var frame = new byte[320];
        var samples = MemoryMarshal.Cast<byte, short>(frame.AsSpan());
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(i % 2 == 0 ? amplitude : -amplitude);
        }

        return frame;
    }

    private static bool IsLoud(byte[] frame) => MemoryMarshal.Cast<byte, short>(frame.AsSpan())[0] != 0;
}
