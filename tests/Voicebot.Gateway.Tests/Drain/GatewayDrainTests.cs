using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Voicebot.Abstractions.Calls;
using Voicebot.Gateway.Calls;
using Voicebot.Gateway.Drain;
using Voicebot.Protocol;
using Voicebot.Testing.Gateway;

namespace Voicebot.Gateway.Tests.Drain;

public sealed class GatewayDrainTests
{
    private static readonly DrainOptions Options = new()
    {
        Deadline = TimeSpan.FromSeconds(60),
        GoodbyeTimeout = TimeSpan.FromSeconds(10),
        OutcomeLinger = TimeSpan.Zero,
    };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 6, 9, 0, 0, TimeSpan.Zero));
    private readonly FakeCallControl _control = new();
    private readonly CallRegistry _calls = new(Microsoft.Extensions.Options.Options.Create(new AudioSocketOptions()));

    [Fact]
    public async Task DrainAsync_CallEndsBeforeTheDeadline_RefusesNewCallsAndSaysNoGoodbye()
    {
        var drain = CreateDrain();
        var (session, callId, _) = AdmitCall(drain);

        var draining = drain.DrainAsync(TestContext.Current.CancellationToken);
        _time.Advance(Options.Deadline - TimeSpan.FromSeconds(1));
        var lateCall = _calls.TryAdmit(Guid.NewGuid(), _time.GetUtcNow());
        var stillDraining = !draining.IsCompleted;
        drain.Untrack(session, HangupReason.CallerHungUp);
        _calls.Release(callId);
        await draining.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.True(drain.IsDraining);
        Assert.Equal(CallAdmission.Draining, lateCall);
        Assert.True(stillDraining);
        Assert.False(session.EndedForShutdown);
        Assert.Equal(1, drain.EndedOnTheirOwn);
        Assert.Equal(0, drain.SaidGoodbye);
    }

    [Fact]
    public async Task DrainAsync_DeadlinePassed_DropsTheBotsAudioPlaysTheGoodbyeThenHangsUp()
    {
        var goodbye = TestAudio.Pattern(3 * 320 + 100, seed: 7);
        _control.AddPhrase("shutdown_goodbye", goodbye);
        var drain = CreateDrain();
        var (session, callId, pipe) = AdmitCall(drain);
        await session.PlayAsync(new PlaybackItem(1, "solution_internet", TestAudio.Pattern(50 * 320, seed: 3), 8000));

        var draining = drain.DrainAsync(TestContext.Current.CancellationToken);
        _time.Advance(Options.Deadline);
        await WaitUntilAsync(() => session.EndedForShutdown);
        await session.PlayAsync(new PlaybackItem(2, "ask_fixed", TestAudio.Pattern(320, seed: 5), 8000));   // the grain talking on
        await session.FlushAsync();                                                                         // or a barge-in flush
        var frames = WriteUntilHangup(session, pipe.Reader);
        var end = await session.Ended.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        drain.Untrack(session, HangupReason.Shutdown);
        _calls.Release(callId);
        await draining.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var audio = frames.Where(f => f.Kind == AudioSocketKind.Audio).SelectMany(f => f.Payload).ToArray();
        Assert.Equal(AudioSocketKind.Hangup, frames[^1].Kind);
        Assert.Equal(goodbye, audio.AsSpan(0, goodbye.Length).ToArray());
        Assert.All(audio.Skip(goodbye.Length), b => Assert.Equal(0, b));   // padding of the last frame only
        Assert.Equal(4, frames.Count(f => f.Kind == AudioSocketKind.Audio));
        Assert.Equal(CallSessionEnd.HangupSent, end);
        Assert.Equal(1, drain.SaidGoodbye);
        Assert.Equal(0, drain.EndedOnTheirOwn);
    }

    [Fact]
    public async Task DrainAsync_GoodbyePhraseMissing_HangsUpAtOnce()
    {
        var drain = CreateDrain();
        var (session, callId, pipe) = AdmitCall(drain);

        var draining = drain.DrainAsync(TestContext.Current.CancellationToken);
        _time.Advance(Options.Deadline);
        await WaitUntilAsync(() => session.EndedForShutdown);
        var frames = WriteUntilHangup(session, pipe.Reader);
        _calls.Release(callId);
        await draining.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal([AudioSocketKind.Hangup], frames.Select(f => f.Kind));
    }

    [Fact]
    public async Task DrainAsync_GoodbyeNotPlayedWithinItsTimeout_CallIsCut()
    {
        _control.AddPhrase("shutdown_goodbye", TestAudio.Pattern(320, seed: 7));
        var drain = CreateDrain();
        var (session, callId, pipe) = AdmitCall(drain);

        var draining = drain.DrainAsync(TestContext.Current.CancellationToken);
        _time.Advance(Options.Deadline);
        await WaitUntilAsync(() => session.EndedForShutdown);
        _time.Advance(Options.GoodbyeTimeout);   // the pacer never got to the goodbye: a stuck socket
        await WaitUntilAsync(() => drain.Cut == 1);
        var frames = WriteUntilHangup(session, pipe.Reader);
        _calls.Release(callId);
        await draining.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal([AudioSocketKind.Hangup], frames.Select(f => f.Kind));
        Assert.Equal(CallSessionEnd.AbortSent, await session.Ended);
        Assert.True(session.EndedForShutdown);
    }

    [Fact]
    public async Task DrainAsync_PendingEndReport_IsAwaitedBeforeTheDrainCompletes()
    {
        var logs = new FakeLogCollector();
        var drain = CreateDrain(new FakeLogger<GatewayDrain>(logs));
        var (session, callId, _) = AdmitCall(drain);
        var report = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var draining = drain.DrainAsync(TestContext.Current.CancellationToken);
        drain.TrackEndReport(report.Task);
        drain.Untrack(session, HangupReason.CallerHungUp);
        _calls.Release(callId);
        await WaitUntilAsync(() => logs.GetSnapshot().Any(r => r.Id.Name == "DrainAwaitingReports"));
        var completedBeforeReport = draining.IsCompleted;
        report.SetResult();
        await draining.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.False(completedBeforeReport);
        Assert.Contains("waiting for 1 call-end reports", logs.GetSnapshot().Single(r => r.Id.Name == "DrainAwaitingReports").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DrainAsync_CalledTwice_RunsOnce()
    {
        var drain = CreateDrain();

        var first = drain.DrainAsync(TestContext.Current.CancellationToken);
        var second = drain.DrainAsync(TestContext.Current.CancellationToken);
        await first.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Same(first, second);
    }

    [Fact]
    public async Task Drain_OnARealListener_RefusesNewConnectionsLetsTheCallGoOnAndReportsItsEnd()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await GatewayTestHost.StartAsync(cancellationToken: ct);
        await using var client = await host.ConnectAsync(ct);
        var callId = Guid.NewGuid();
        await client.SendUuidAsync(callId, ct);
        client.StartAudioPump();
        var call = host.Control.Call(callId);
        await call.Started.Task.WaitAsync(ct);
        var drain = host.Services.GetRequiredService<GatewayDrain>();

        var draining = drain.DrainAsync(ct);
        var refused = await Assert.ThrowsAsync<SocketException>(() => host.ConnectAsync(ct));
        await call.Media!.PlayAsync(new PlaybackItem(1, "still-served", TestAudio.Pattern(320, seed: 9), 8000));
        var played = await client.ReadUntilAsync(f => f.Kind == AudioSocketKind.Audio && !f.IsSilence, ct);
        var stillDraining = !draining.IsCompleted;
        await client.HangUpAsync();
        var reason = await call.Ended.Task.WaitAsync(ct);
        await draining.WaitAsync(ct);

        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Equal(TestAudio.Pattern(320, seed: 9), played[^1].Payload);
        Assert.True(stillDraining);
        Assert.Equal(HangupReason.CallerHungUp, reason);
        Assert.True(host.Services.GetRequiredService<IDrainState>().IsDraining);
    }

    [Fact]
    public async Task Drain_OnARealListenerPastTheDeadline_CallerHearsTheGoodbyeAndTheEndIsShutdown()
    {
        var ct = TestContext.Current.CancellationToken;
        var goodbye = TestAudio.Pattern(2 * 320, seed: 11);
        await using var host = await GatewayTestHost.StartAsync(
            configureServices: services => services.Configure<DrainOptions>(o =>
            {
                o.Deadline = TimeSpan.Zero;
                o.OutcomeLinger = TimeSpan.Zero;
            }),
            cancellationToken: ct);
        host.Control.AddPhrase("shutdown_goodbye", goodbye);
        await using var client = await host.ConnectAsync(ct);
        var callId = Guid.NewGuid();
        await client.SendUuidAsync(callId, ct);
        client.StartAudioPump();
        var call = host.Control.Call(callId);
        await call.Started.Task.WaitAsync(ct);

        await host.Services.GetRequiredService<GatewayDrain>().DrainAsync(ct);
        var frames = await client.ReadUntilHangupAsync(ct);
        var reason = await call.Ended.Task.WaitAsync(ct);

        var audio = frames.Where(f => !f.IsSilence).SelectMany(f => f.Payload).ToArray();
        Assert.Equal(goodbye, audio);
        Assert.Equal(HangupReason.Shutdown, reason);
    }

    private GatewayDrain CreateDrain(ILogger<GatewayDrain>? logger = null) => new(
        _calls,
        _control,
        Microsoft.Extensions.Options.Options.Create(Options),
        _time,
        new ServiceCollection().BuildServiceProvider(),
        logger ?? NullLogger<GatewayDrain>.Instance);

    private (CallSession Session, Guid CallId, Pipe Pipe) AdmitCall(GatewayDrain drain)
    {
        var callId = Guid.NewGuid();
        Assert.Equal(CallAdmission.Admitted, _calls.TryAdmit(callId, _time.GetUtcNow()));
        var pipe = new Pipe(new PipeOptions(useSynchronizationContext: false));
        var session = new CallSession(callId, 8000, pipe.Writer, input: null, _control, NullLogger.Instance);
        drain.Track(session);
        return (session, callId, pipe);
    }

    /// <summary>Plays the pacer: one frame per call until the hang-up is on the wire; returns what was written.</summary>
    private static List<(AudioSocketKind Kind, byte[] Payload)> WriteUntilHangup(CallSession session, PipeReader reader)
    {
        var frames = new List<(AudioSocketKind, byte[])>();
        for (var tick = 0; tick < 1000 && (frames.Count == 0 || frames[^1].Item1 != AudioSocketKind.Hangup); tick++)
        {
            session.WriteNextFrame();
            if (reader.TryRead(out var result))
            {
                var buffer = result.Buffer;
                while (AudioSocketFrameReader.TryRead(ref buffer, ushort.MaxValue, out var frame))
                {
                    frames.Add((frame.Kind, frame.Payload.ToArray()));
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }

        return frames;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var attempt = 0; attempt < 1000 && !condition(); attempt++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.True(condition());
    }
}
