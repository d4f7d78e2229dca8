using Microsoft.Extensions.Logging.Abstractions;
using Voicebot.Abstractions.Calls;
using Voicebot.Gateway.BargeIn;
using Voicebot.Gateway.Calls;
using Voicebot.Testing.Gateway;

namespace Voicebot.Gateway.Tests.Calls;

/// <summary>The caller's side of a session alone: sequence, demand, barge-in with a stand-in for the session's flush.</summary>
public sealed class CallInboundTests
{
    private static readonly byte[] Speech = TestAudio.Tone(TimeSpan.FromMilliseconds(20), 440, -10);
    private readonly Guid _callId = Guid.NewGuid();
    private readonly FakeCallControl _control = new();
    private readonly List<long> _flushes = [];

    [Fact]
    public void Sequence_CountsFromZero_AndTheDemandStartsAtEverything()
    {
        var inbound = Create(_control);

        var sequences = (inbound.NextSequence(), inbound.NextSequence(), inbound.NextSequence());
        var initial = inbound.Demand;
        var nearVoice = InboundAudioDemand.NearVoice(-50, TimeSpan.FromMilliseconds(40), TimeSpan.Zero);
        inbound.Demand = nearVoice;

        Assert.Equal((0L, 1L, 2L), sequences);
        Assert.Equal(InboundAudioDemand.All, initial);
        Assert.Same(nearVoice, inbound.Demand);
    }

    [Fact]
    public async Task SpeechOverTheBot_FlushesThroughTheSession_AndTellsTheControlPlane()
    {
        var inbound = Create(_control);

        var barged = Enumerable.Range(0, 10).Select(i => inbound.OnAudio(i, Speech, botPlaying: true)).ToList();
        await _control.Call(_callId).BargedIn.Task.WaitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(7, barged.IndexOf(true));
        Assert.Equal([7L], _flushes);
        Assert.Equal(7, inbound.LastBargeIn!.InboundSequence);
        Assert.Equal(1, inbound.BargeIns);
        Assert.Equal(1, _control.Call(_callId).BargeInCount);
    }

    [Fact]
    public void BargeIn_TheSessionRefuses_IsNotRecordedOrReported()
    {
        var inbound = new CallInbound(_callId, 8000, _control, new BargeInOptions(), NullLogger.Instance, _ => null, CancellationToken.None);

        for (var i = 0; i < 10; i++)
        {
            inbound.OnAudio(i, Speech, botPlaying: true);
        }

        Assert.Null(inbound.LastBargeIn);
        Assert.Equal(0, _control.Call(_callId).BargeInCount);
    }

    [Fact]
    public void RefusedCall_DetectsNothing()
    {
        var inbound = Create(control: null);

        var barged = Enumerable.Range(0, 10).Any(i => inbound.OnAudio(i, Speech, botPlaying: true));

        Assert.False(barged);
        Assert.Null(inbound.Echo);
        Assert.Empty(_flushes);
    }

    private CallInbound Create(ICallControl? control) =>
        new(_callId, 8000, control, new BargeInOptions(), NullLogger.Instance, Flush, CancellationToken.None);

    private BargeInReaction? Flush(long sequence)
    {
        _flushes.Add(sequence);
        return new BargeInReaction(sequence, OutboundFrame: 0, PlaybackId: 1, FlushedBytes: 320);
    }
}
