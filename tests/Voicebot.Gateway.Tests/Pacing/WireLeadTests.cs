using Microsoft.Extensions.DependencyInjection;
using Voicebot.Abstractions.Calls;
using Voicebot.Gateway.Calls;
using Voicebot.Testing;
using Voicebot.Testing.Gateway;

namespace Voicebot.Gateway.Tests.Pacing;

/// <summary>
/// The frames queued ahead of the native wire sender, through the real gateway: a stall of the managed side (here the
/// call's lock held, as a runtime pause would hold the pacer) is not heard while it stays within the lead, and
/// "playback finished" waits for the wire, not the queue.
/// </summary>
public sealed class WireLeadTests
{
    private const int FrameBytes = 320;

    [Fact]
    public async Task ManagedStallShorterThanTheDefaultLead_TheCallerHearsThePhraseWhole()
    {
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(cancellationToken: ct);
        await using var call = await host.StartLiveCallAsync(ct);
        var session = (CallSession)host.Control.Call(call.CallId).Media!;
        var phrase = TestAudio.Tone(TimeSpan.FromSeconds(3), 300, -6);

        await session.PlayAsync(new PlaybackItem(1, "three seconds", phrase, 8000));
        var frames = new List<ReceivedFrame> { (await call.Client.ReadUntilAsync(f => !f.IsSilence, ct))[^1] };
        await call.Client.ReadFramesAsync(frames, 10, ct);
        // 8 ticks (160 ms) of stall: more than the former 6-frame lead; the wait may overshoot by another 8 on a busy
        // machine and still stay within the default 16.
        var stallTicks = await StallManagedSideAsync(session, ticks: 8, ct);
        await call.Client.ReadFramesAsync(frames, phrase.Length / FrameBytes - frames.Count, ct);

        TestContext.Current.SendDiagnosticMessage($"Managed side stalled for {stallTicks} sender ticks.");
        Assert.Equal(0, session.StarvedFrames);
        Assert.Equal(phrase, frames.SelectMany(f => f.Payload).ToArray());
    }

    [Fact]
    public async Task ManagedStallLongerThanTheLead_TheHoleIsCountedAndThePhraseResumesInOrder()
    {
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(
            configureServices: s => s.Configure<AudioSocketOptions>(o => o.WireLeadFrames = 4), cancellationToken: ct);
        await using var call = await host.StartLiveCallAsync(ct);
        var session = (CallSession)host.Control.Call(call.CallId).Media!;
        var phrase = TestAudio.Tone(TimeSpan.FromSeconds(2), 300, -6);

        await session.PlayAsync(new PlaybackItem(2, "two seconds", phrase, 8000));
        var frames = new List<ReceivedFrame> { (await call.Client.ReadUntilAsync(f => !f.IsSilence, ct))[^1] };
        await call.Client.ReadFramesAsync(frames, 10, ct);
        await StallManagedSideAsync(session, ticks: 12, ct);
        while (frames.Count(f => !f.IsSilence) < phrase.Length / FrameBytes)
        {
            await call.Client.ReadFramesAsync(frames, 1, ct);
        }

        var holes = frames.Count(f => f.IsSilence);
        TestContext.Current.SendDiagnosticMessage($"{holes} silent frames inside the phrase, {session.StarvedFrames} counted.");
        Assert.InRange(holes, 12 - 4 - 1, int.MaxValue);   // at least the stall beyond the lead (one tick for the edge)
        Assert.Equal(holes, session.StarvedFrames);   // every hole counted, none invented
        Assert.Equal(phrase, frames.Where(f => !f.IsSilence).SelectMany(f => f.Payload).ToArray());   // nothing lost or reordered
    }

    [Fact]
    public async Task FlushAndAbort_OnceTheHangupIsQueued_TheGoodbyeAndTheBotsHangupStillGo()
    {
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(cancellationToken: ct);
        await using var call = await host.StartLiveCallAsync(ct);
        var recorded = host.Control.Call(call.CallId);
        var session = (CallSession)recorded.Media!;
        Assert.NotNull(session.WireStats);
        var goodbye = TestAudio.Tone(TimeSpan.FromMilliseconds(200), 300, -6);

        // Ten frames are within the lead: the goodbye, then the hang-up behind it, are in the sender's queue at once.
        await session.PlayAsync(new PlaybackItem(4, "goodbye", goodbye, 8000));
        await session.HangUpAsync();
        await session.FlushAsync();   // a flush now would drop the queued hang-up with the frames ahead of it
        session.Abort();
        var beforeHangup = await call.Client.ReadUntilHangupAsync(ct);

        Assert.Equal(goodbye, beforeHangup.Where(f => !f.IsSilence).SelectMany(f => f.Payload).ToArray());
        Assert.Null(await recorded.Ended.Task.WaitAsync(ct));   // the bot's hang-up, not an abort
    }

    [Fact]
    public async Task PlaybackFinished_IsReportedOnceTheLastFrameIsOnTheWire()
    {
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(cancellationToken: ct);
        await using var call = await host.StartLiveCallAsync(ct);
        var recorded = host.Control.Call(call.CallId);
        var session = (CallSession)recorded.Media!;
        var phrase = TestAudio.Tone(TimeSpan.FromSeconds(1), 300, -6);
        var before = session.WireStats!.Value.AudioSent;

        await session.PlayAsync(new PlaybackItem(3, "one second", phrase, 8000));
        Assert.Equal(3, await recorded.PlaybackFinished.Reader.ReadAsync(ct));
        var sent = session.WireStats!.Value.AudioSent - before;

        // Reported from the queue, it would come a whole lead (16 frames) before the last frame went out.
        Assert.Equal((ulong)(phrase.Length / FrameBytes), sent);
    }

    /// <summary>
    /// Holds the call's lock (so the pacer cannot top up the sender's queue) until the sender has written
    /// <paramref name="ticks"/> frames, audio or silence. Returns the ticks it actually wrote meanwhile.
    /// </summary>
    private static async Task<ulong> StallManagedSideAsync(CallSession session, int ticks, CancellationToken ct)
    {
        Assert.NotNull(session.WireStats);   // the gateway runs the native wire sender here (Linux, built with cc)
        var held = new TaskCompletionSource<ulong>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new ManualResetEventSlim();
        var holder = new Thread(() =>
        {
            using (session.SyncRoot.EnterScope())
            {
                var stats = session.WireStats!.Value;
                held.SetResult(stats.AudioSent + stats.SilenceSent);
                release.Wait(ct);
            }
        })
        {
            IsBackground = true,
            Name = "stall",
        };
        holder.Start();
        var start = await held.Task.WaitAsync(ct);
        ulong Written() => session.WireStats!.Value is var s ? s.AudioSent + s.SilenceSent - start : 0;
        try
        {
            await Waits.UntilAsync(() => Written() >= (ulong)ticks, ct);
            return Written();
        }
        finally
        {
            release.Set();
            holder.Join();
        }
    }

    private static CancellationToken Timeout()
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(TimeSpan.FromSeconds(30));
        return source.Token;
    }
}
