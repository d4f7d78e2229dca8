using System.Buffers;
using Voicebot.Abstractions.Calls;
using Voicebot.Gateway.Calls;

namespace Voicebot.Gateway.Tests.Calls;

/// <summary>
/// The gateway's choice of the caller frames the grain needs: everything until the grain says otherwise, then the voice
/// with its pre-roll and hangover, in call order, with the frames kept back counted on the next event. No sockets.
/// </summary>
public sealed class InboundVoiceGateTests
{
    private const int Rate = 8000;
    private const int FrameBytes = 320;   // 20 ms at 8 kHz
    private static readonly InboundAudioDemand NearVoice =
        InboundAudioDemand.NearVoice(-50, TimeSpan.FromMilliseconds(60), TimeSpan.FromMilliseconds(100));

    private readonly InboundVoiceGate _gate = new();
    private readonly InboundAudioBatcher _batcher = new(1);
    private readonly List<InboundMedia> _published = [];
    private long _sequence;

    [Fact]
    public void UntilTheGrainAsks_EveryFrameIsPublished()
    {
        Feed(Quiet(), count: 10);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), _published.Select(m => m.Sequence));
        Assert.All(_published, m => Assert.Equal(0, m.SkippedSamples));
    }

    [Fact]
    public void NearVoice_QuietFramesAfterTheHangoverAreKeptBack_AndTheVoiceComesWithItsPreRollAndTheCount()
    {
        _gate.Demand = NearVoice;
        Feed(Quiet(), count: 5);     // the hangover after the switch (100 ms): published
        Feed(Quiet(), count: 20);    // far from any voice: kept back, the last 60 ms held
        Assert.Equal(5, _published.Count);

        var voice = Voice(3);
        Feed(voice, count: 1);

        // Frames 22–24 (the pre-roll) then the voice (25); 5–21 were kept back for good.
        Assert.Equal([0, 1, 2, 3, 4, 22, 23, 24, 25], _published.Select(m => m.Sequence));
        Assert.Equal(17 * FrameBytes / 2, _published[5].SkippedSamples);
        Assert.All(_published.Skip(6), m => Assert.Equal(0, m.SkippedSamples));
        Assert.Equal(voice, _published[^1].Audio);
        Assert.Equal(17 * FrameBytes / 2, _gate.TotalSkippedSamples);
    }

    [Fact]
    public void NearVoice_TheQuietRightAfterTheVoiceIsPublishedForTheHangover()
    {
        _gate.Demand = NearVoice;
        Feed(Quiet(), count: 10);
        _published.Clear();

        Feed(Voice(1), count: 1);
        Feed(Quiet(), count: 10);

        // The voice, then 100 ms of quiet (5 frames), then nothing.
        Assert.Equal(1 + 3 + 5, _published.Count);
        Assert.Equal(Enumerable.Range(7, 9).Select(i => (long)i), _published.Select(m => m.Sequence));
    }

    [Fact]
    public void HeldFrames_AreCopies_TheSocketBufferMayBeReusedAtOnce()
    {
        _gate.Demand = NearVoice;
        Feed(Quiet(), count: 5);
        var socketBuffer = new byte[FrameBytes];
        for (var i = 0; i < socketBuffer.Length; i += 2)
        {
            socketBuffer[i] = 3;   // a quiet frame (samples of 3, about −80 dBFS), then the next read overwrites the buffer
        }

        var expected = socketBuffer.ToArray();
        Hold(socketBuffer);
        socketBuffer.AsSpan().Clear();
        Feed(Voice(2), count: 1);

        Assert.Equal(expected, _published.Single(m => m.Sequence == 5).Audio);
    }

    [Fact]
    public void SwitchingBackToEverything_PublishesTheHeldFramesThenEveryFrame()
    {
        _gate.Demand = NearVoice;
        Feed(Quiet(), count: 30);
        var before = _published.Count;

        _gate.Demand = InboundAudioDemand.All;
        Feed(Quiet(), count: 4);

        Assert.Equal([27, 28, 29, 30, 31, 32, 33], _published.Skip(before).Select(m => m.Sequence));
    }

    [Fact]
    public void NoPreRoll_QuietFramesAreCountedAtOnce_NothingIsHeld()
    {
        _gate.Demand = InboundAudioDemand.NearVoice(-50, TimeSpan.Zero, TimeSpan.Zero);
        Feed(Quiet(), count: 3);
        Assert.Equal(0, _gate.HeldCount);
        Feed(Voice(1), count: 1);

        Assert.Equal([3], _published.Select(m => m.Sequence));
        Assert.Equal(3 * FrameBytes / 2, _published[0].SkippedSamples);
    }

    [Fact]
    public void EventsOfSeveralFrames_NeverSpanAFrameKeptBack()
    {
        var batcher = new InboundAudioBatcher(2);
        _gate.Demand = InboundAudioDemand.NearVoice(-50, TimeSpan.Zero, TimeSpan.Zero);
        Feed(Voice(1), count: 1, batcher);   // half an event pending
        Feed(Quiet(), count: 1, batcher);    // kept back: the half event goes out alone
        Feed(Voice(1), count: 2, batcher);

        Assert.Equal([(0L, FrameBytes, 0), (2L, 2 * FrameBytes, FrameBytes / 2)], _published.Select(m => (m.Sequence, m.Audio!.Length, m.SkippedSamples)));
    }

    private void Feed(byte[] frame, int count, InboundAudioBatcher? batcher = null)
    {
        batcher ??= _batcher;
        for (var i = 0; i < count; i++)
        {
            // What the connection's read loop does with one frame.
            var payload = new ReadOnlySequence<byte>(frame);
            var sequence = _sequence++;
            if (!_gate.Admit(payload, Rate))
            {
                if (batcher.Flush() is { } before)
                {
                    _published.Add(before);
                }

                _gate.Hold(sequence, payload, Rate);
                continue;
            }

            _gate.Release(batcher, _published);
            batcher.Append(sequence, payload, Rate);
            if (batcher.IsFull)
            {
                _published.Add(batcher.Flush()!);
            }
        }
    }

    private void Hold(byte[] frame)
    {
        var payload = new ReadOnlySequence<byte>(frame);
        Assert.False(_gate.Admit(payload, Rate));
        _gate.Hold(_sequence++, payload, Rate);
    }

    private static byte[] Quiet() => new byte[FrameBytes];

    /// <summary>A frame at about −20 dBFS, its first byte marking it.</summary>
    private static byte[] Voice(byte mark)
    {
        var pcm = new byte[FrameBytes];
        for (var i = 0; i < pcm.Length; i += 2)
        {
            BitConverter.TryWriteBytes(pcm.AsSpan(i), (short)(i % 4 == 0 ? 3000 : -3000));
        }

        pcm[0] = mark;
        return pcm;
    }
}
