using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging.Abstractions;
using Voicebot.Abstractions.Calls;
using Voicebot.Gateway.Calls;
using Voicebot.Testing.Gateway;

namespace Voicebot.Gateway.Tests.Calls;

/// <summary>
/// What one call publishes to its grain: everything until the grain says otherwise, then the voice with its pre-roll
/// and hangover, in call order, keys in their place, the frames kept back counted on the next event. No sockets.
/// </summary>
public sealed class InboundMediaPublisherTests : IDisposable
{
    private const int Rate = 8000;
    private const int FrameBytes = 320;   // 20 ms at 8 kHz
    private static readonly InboundAudioDemand NearVoice =
        InboundAudioDemand.NearVoice(-50, TimeSpan.FromMilliseconds(60), TimeSpan.FromMilliseconds(100));

    private readonly FakeCallControl _control = new();
    private readonly CallSession _session;
    private InboundMediaPublisher _publisher;

    public InboundMediaPublisherTests()
    {
        _session = new CallSession(Guid.NewGuid(), Rate, new Pipe().Writer, input: null, _control, NullLogger.Instance);
        _publisher = new InboundMediaPublisher(_session, _control, framesPerEvent: 1);
    }

    public void Dispose() => _session.Dispose();

    [Fact]
    public async Task UntilTheGrainAsks_EveryFrameIsPublished()
    {
        await FeedAsync(Quiet(), count: 10);

        var published = Published();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), published.Select(m => m.Sequence));
        Assert.All(published, m => Assert.Equal(0, m.SkippedSamples));
    }

    [Fact]
    public async Task NearVoice_QuietFramesAfterTheHangoverAreKeptBack_AndTheVoiceComesWithItsPreRollAndTheCount()
    {
        await _session.SetInboundAudioAsync(NearVoice);
        await FeedAsync(Quiet(), count: 5);     // the hangover after the switch (100 ms): published
        await FeedAsync(Quiet(), count: 20);    // far from any voice: kept back, the last 60 ms held
        Assert.Equal(5, Published().Count);

        var voice = Voice(3);
        await FeedAsync(voice, count: 1);

        // Frames 22–24 (the pre-roll) then the voice (25); 5–21 were kept back for good.
        var published = Published();
        Assert.Equal([22, 23, 24, 25], published.Select(m => m.Sequence));
        Assert.Equal([17 * FrameBytes / 2, 0, 0, 0], published.Select(m => m.SkippedSamples));
        Assert.Equal(voice, published[^1].Audio);
        Assert.Equal(17 * FrameBytes / 2, _publisher.SkippedSamples);
    }

    [Fact]
    public async Task NearVoice_TheQuietRightAfterTheVoiceIsPublishedForTheHangover()
    {
        await _session.SetInboundAudioAsync(NearVoice);
        await FeedAsync(Quiet(), count: 10);
        _ = Published();

        await FeedAsync(Voice(1), count: 1);
        await FeedAsync(Quiet(), count: 10);

        // The pre-roll (3 frames), the voice, then 100 ms of quiet (5 frames), then nothing.
        Assert.Equal(Enumerable.Range(7, 9).Select(i => (long)i), Published().Select(m => m.Sequence));
    }

    [Fact]
    public async Task HeldFrames_AreCopies_TheSocketBufferMayBeReusedAtOnce()
    {
        await _session.SetInboundAudioAsync(NearVoice);
        await FeedAsync(Quiet(), count: 5);
        var socketBuffer = new byte[FrameBytes];
        for (var i = 0; i < socketBuffer.Length; i += 2)
        {
            socketBuffer[i] = 3;   // a quiet frame (samples of 3, about −80 dBFS), then the next read overwrites the buffer
        }

        var expected = socketBuffer.ToArray();
        await FeedAsync(socketBuffer, count: 1);
        socketBuffer.AsSpan().Clear();
        await FeedAsync(Voice(2), count: 1);

        Assert.Equal(expected, Published().Single(m => m.Sequence == 5).Audio);
    }

    [Fact]
    public async Task SwitchingBackToEverything_PublishesTheHeldFramesThenEveryFrame()
    {
        await _session.SetInboundAudioAsync(NearVoice);
        await FeedAsync(Quiet(), count: 30);
        _ = Published();

        await _session.SetInboundAudioAsync(InboundAudioDemand.All);
        await FeedAsync(Quiet(), count: 4);

        Assert.Equal([27, 28, 29, 30, 31, 32, 33], Published().Select(m => m.Sequence));
    }

    [Fact]
    public async Task ALongerPreRollAsked_WhatWasHeldIsCountedAndDropped_NeverPublishedOutOfOrder()
    {
        await _session.SetInboundAudioAsync(InboundAudioDemand.NearVoice(-50, TimeSpan.FromMilliseconds(40), TimeSpan.Zero));
        await FeedAsync(Quiet(), count: 6);   // frames 4 and 5 held, wrapped around the end of the 5-slot ring

        await _session.SetInboundAudioAsync(InboundAudioDemand.NearVoice(-50, TimeSpan.FromMilliseconds(100), TimeSpan.Zero));
        await FeedAsync(Quiet(), count: 2);   // 6 and 7: held in the new ring
        await FeedAsync(Voice(1), count: 1);

        // 0–5 kept back and counted (4 and 5 dropped with the old ring), then 6, 7 and the voice, in order.
        var published = Published();
        Assert.Equal([6, 7, 8], published.Select(m => m.Sequence));
        Assert.Equal([6 * FrameBytes / 2, 0, 0], published.Select(m => m.SkippedSamples));
    }

    [Fact]
    public async Task NoPreRoll_QuietFramesAreCountedAtOnce()
    {
        await _session.SetInboundAudioAsync(InboundAudioDemand.NearVoice(-50, TimeSpan.Zero, TimeSpan.Zero));
        await FeedAsync(Quiet(), count: 3);
        await FeedAsync(Voice(1), count: 1);

        var published = Published();
        Assert.Equal([3], published.Select(m => m.Sequence));
        Assert.Equal(3 * FrameBytes / 2, published[0].SkippedSamples);
    }

    [Fact]
    public async Task EventsOfSeveralFrames_NeverSpanAFrameKeptBack_AndAKeyKeepsItsPlace()
    {
        _publisher = new InboundMediaPublisher(_session, _control, framesPerEvent: 2);
        await _session.SetInboundAudioAsync(InboundAudioDemand.NearVoice(-50, TimeSpan.Zero, TimeSpan.Zero));
        await FeedAsync(Voice(1), count: 1);   // half an event pending
        await FeedAsync(Quiet(), count: 1);    // kept back: the half event goes out alone
        await FeedAsync(Voice(1), count: 3);
        await _publisher.OnDtmfAsync('5');     // the third voice frame goes out before the key

        Assert.Equal(
            [(0L, FrameBytes, 0), (2L, 2 * FrameBytes, FrameBytes / 2), (4L, FrameBytes, 0), (5L, 0, 0)],
            Published().Select(m => (m.Sequence, m.Audio?.Length ?? 0, m.SkippedSamples)));
    }

    private async Task FeedAsync(byte[] frame, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await _publisher.OnAudioAsync(new ReadOnlySequence<byte>(frame), Rate);
        }
    }

    /// <summary>What reached the control plane since the last call.</summary>
    private List<InboundMedia> Published()
    {
        var published = new List<InboundMedia>();
        while (_control.Call(_session.CallId).Inbound.Reader.TryRead(out var media))
        {
            published.Add(media);
        }

        return published;
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
