using System.Diagnostics;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Phrases;
using Voicebot.Abstractions.Records;
using Voicebot.Gateway.Calls;
using Voicebot.Gateway.Pacing;
using Voicebot.Gateway.Watching;
using Voicebot.Protocol;
using Voicebot.Recordings;
using Voicebot.Recordings.Recording;
using Voicebot.Testing;
using Voicebot.Testing.Gateway;

namespace Voicebot.Gateway.Tests;

/// <summary>End to end: a real Kestrel listener, a fake control plane, and TCP clients playing Asterisk.</summary>
public sealed class AudioSocketConnectionHandlerTests
{
    private static readonly byte[] UuidPrefix = [0x01, 0x00, 0x10];

    public static TheoryData<string> Violations =>
    [
        "UnknownKindBeforeUuid",
        "UnknownKindAfterUuid",
        "PayloadAboveMax",
        "AudioBeforeUuid",
        "DtmfBeforeUuid",
        "SecondUuid",
        "OddLengthAudio",
        "EmptyAudio",
        "UuidNot16Bytes",
        "ErrorKind",
        "BadDtmfDigit",
        "NoUuid",
        "IdlePeer",
    ];

    [Fact]
    public async Task GrainAsksForAudioNearTheVoice_QuietFramesAreKeptBack_TheVoiceComesWithItsPreRollAndTheCount_InCallOrder()
    {
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(cancellationToken: ct);
        await using var asterisk = await host.ConnectAsync(ct);
        var callId = Guid.NewGuid();
        var quiet = new byte[320];
        var voice = TestAudio.Pattern(320, seed: 7);
        await asterisk.SendUuidAsync(callId, ct);
        await asterisk.SendAudioAsync(quiet, cancellationToken: ct);
        var call = host.Control.Call(callId);
        await call.Started.Task.WaitAsync(ct);
        Assert.Equal(0L, (await call.ReadInboundAsync(ct)).Sequence);   // before the grain says anything: every frame

        await call.Media!.SetInboundAudioAsync(InboundAudioDemand.NearVoice(-50, TimeSpan.FromMilliseconds(40), TimeSpan.Zero));
        for (var i = 0; i < 10; i++)
        {
            await asterisk.SendAudioAsync(quiet, cancellationToken: ct);   // frames 1–10
        }

        await asterisk.SendAudioAsync(voice, cancellationToken: ct);   // 11
        await asterisk.SendDtmfAsync('1', ct);   // 12
        var firstVoice = await call.ReadInboundUntilDtmfAsync(ct);
        await asterisk.SendAudioAsync(quiet, cancellationToken: ct);   // 13: held
        await asterisk.SendDtmfAsync('2', ct);   // 14: what was held is older than the key, and dropped
        await asterisk.SendAudioAsync(voice, cancellationToken: ct);   // 15
        await asterisk.SendDtmfAsync('3', ct);   // 16
        var afterKey = await call.ReadInboundUntilDtmfAsync(ct);
        var secondVoice = await call.ReadInboundUntilDtmfAsync(ct);

        // The last 40 ms of quiet (frames 9 and 10) lead into the voice; frames 1–8 were kept back and are counted.
        Assert.Equal([9L, 10L, 11L, 12L], firstVoice.Select(m => m.Sequence));
        Assert.Equal([8 * 160, 0, 0, 0], firstVoice.Select(m => m.SkippedSamples));
        Assert.Equal(quiet, firstVoice[0].Audio);
        Assert.Equal(voice, firstVoice[2].Audio);
        Assert.Equal([14L], afterKey.Select(m => m.Sequence));
        Assert.Equal([15L, 16L], secondVoice.Select(m => m.Sequence));
        Assert.Equal(160, secondVoice[0].SkippedSamples);   // frame 13, held then dropped at the key
    }

    [Fact]
    public async Task NormalCall_UuidAudioDtmf_ControlReceivesThemInOrderWithCallIdAndRate()
    {
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(cancellationToken: ct);
        await using var asterisk = await host.ConnectAsync(ct);
        var callId = Guid.NewGuid();
        var first = TestAudio.Pattern(320, seed: 1);
        var second = TestAudio.Pattern(112, seed: 2);   // Asterisk's last frame of a file can be short

        await asterisk.SendUuidAsync(callId, ct);
        await asterisk.SendAudioAsync(first, cancellationToken: ct);
        await asterisk.SendAudioAsync(second, cancellationToken: ct);
        await asterisk.SendDtmfAsync('#', ct);
        var call = host.Control.Call(callId);
        var start = await call.Started.Task.WaitAsync(ct);
        var media = await call.ReadInboundUntilDtmfAsync(ct);

        Assert.Equal(8000, start.SampleRate);
        Assert.NotNull(start.RemoteEndPoint);
        Assert.Equal(3, media.Count);
        Assert.Equal([0L, 1L, 2L], media.Select(m => m.Sequence));
        Assert.Equal(first, media[0].Audio);
        Assert.Equal(second, media[1].Audio);
        Assert.All(media.Take(2), m => Assert.Equal(8000, m.SampleRate));
        Assert.Equal(InboundMediaKind.Dtmf, media[2].Kind);
        Assert.Equal('#', media[2].Digit);
    }

    [Fact]
    public async Task TwoFramesPerEvent_FramesArriveInPairs_AndAKeyFlushesTheHalfEventBeforeIt()
    {
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(o => o.InboundFramesPerEvent = 2, cancellationToken: ct);
        await using var asterisk = await host.ConnectAsync(ct);
        var callId = Guid.NewGuid();
        var frames = Enumerable.Range(1, 3).Select(seed => TestAudio.Pattern(320, seed)).ToArray();

        await asterisk.SendUuidAsync(callId, ct);
        foreach (var frame in frames)
        {
            await asterisk.SendAudioAsync(frame, cancellationToken: ct);
        }

        await asterisk.SendDtmfAsync('5', ct);
        var media = await host.Control.Call(callId).ReadInboundUntilDtmfAsync(ct);

        // Frames 0 and 1 as one event, frame 2 alone (the key must not wait for its pair), then the key: order kept.
        Assert.Equal(3, media.Count);
        Assert.Equal([.. frames[0], .. frames[1]], media[0].Audio!);
        Assert.Equal(0L, media[0].Sequence);
        Assert.Equal(frames[2], media[1].Audio!);
        Assert.Equal(2L, media[1].Sequence);
        Assert.Equal(InboundMediaKind.Dtmf, media[2].Kind);
        Assert.Equal('5', media[2].Digit);
    }

    [Fact]
    public async Task Slin16Call_FirstFrameKind0x12_StartsAt16kHzAndSends640ByteFramesOfKind0x12()
    {
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(cancellationToken: ct);
        await using var asterisk = await host.ConnectAsync(ct);
        var callId = Guid.NewGuid();

        await asterisk.SendUuidAsync(callId, ct);
        await asterisk.SendAudioAsync(TestAudio.Pattern(640), AudioSocketKind.AudioSlin16, ct);
        var start = await host.Control.Call(callId).Started.Task.WaitAsync(ct);
        var inbound = await host.Control.Call(callId).ReadInboundAsync(ct);
        var frames = new List<ReceivedFrame>();
        for (var i = 0; i < 5; i++)
        {
            frames.Add((await asterisk.ReadFrameAsync(ct))!);
        }

        Assert.Equal(16000, start.SampleRate);
        Assert.Equal(16000, inbound.SampleRate);
        Assert.All(frames, f => Assert.Equal(AudioSocketKind.AudioSlin16, f.Kind));
        Assert.All(frames, f => Assert.Equal(640, f.Payload.Length));
    }

    [Fact]
    public async Task NoAudioAfterUuid_FirstAudioTimeoutPasses_CallStartsAt8kHz()
    {
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(o => o.FirstAudioTimeout = TimeSpan.FromMilliseconds(100), cancellationToken: ct);
        await using var asterisk = await host.ConnectAsync(ct);
        var callId = Guid.NewGuid();

        await asterisk.SendUuidAsync(callId, ct);
        var start = await host.Control.Call(callId).Started.Task.WaitAsync(ct);
        await asterisk.SendDtmfAsync('1', ct);
        var digit = await host.Control.Call(callId).ReadInboundAsync(ct);
        var frame = await asterisk.ReadFrameAsync(ct);

        Assert.Equal(8000, start.SampleRate);
        Assert.Equal('1', digit.Digit);
        Assert.Equal(0, digit.Sequence);
        Assert.Equal(AudioSocketKind.Audio, frame!.Kind);
    }

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task ProtocolViolation_OnOneConnection_HangsUpThatConnectionOnly(string violation)
    {
        var ct = Timeout();
        var logs = new RecordingLoggerProvider();
        await using var host = await GatewayTestHost.StartAsync(
            o =>
            {
                o.UuidTimeout = TimeSpan.FromMilliseconds(500);
                o.IdleTimeout = TimeSpan.FromMilliseconds(500);
            },
            services => services.AddSingleton<ILoggerProvider>(logs),
            ct);
        await using var good = await host.StartLiveCallAsync(ct);
        await using var bad = await host.ConnectAsync(ct);
        var badCallId = Guid.NewGuid();

        await bad.SendRawAsync(ViolationBytes(violation, badCallId), ct);
        var beforeHangup = await bad.ReadUntilHangupAsync(ct);
        var afterHangup = await bad.ReadToEndAsync(ct);
        var goodFrames = await ReadFramesAfterAsync(good.Client, TimeSpan.FromMilliseconds(200), count: 10, ct);
        var goodAudio = await DrainThenReadInboundAsync(host.Control.Call(good.CallId), ct);

        Assert.Null(bad.ReceiveError);
        Assert.All(beforeHangup, f => Assert.Equal(AudioSocketKind.Audio, f.Kind));
        Assert.Empty(afterHangup);
        Assert.All(goodFrames, f => Assert.Equal(AudioSocketKind.Audio, f.Kind));
        Assert.All(goodFrames, f => Assert.Equal(320, f.Payload.Length));
        Assert.Equal(InboundMediaKind.Audio, goodAudio.Kind);
        Assert.False(good.Client.Closed.IsCompleted);
        var log = Assert.Single(logs.Entries, e => e.Id.Name is "ProtocolViolation" or "ConnectionViolation");
        Assert.Equal(LogLevel.Warning, log.Level);
        if (violation is "UnknownKindBeforeUuid" or "AudioBeforeUuid" or "DtmfBeforeUuid" or "UuidNot16Bytes" or "NoUuid")
        {
            // No call yet: logged under the connection, with the address an operator can look up.
            Assert.Equal("ConnectionViolation", log.Id.Name);
            Assert.Equal("ConnectionId", log.State[0].Key);
            Assert.Equal("127.0.0.1", Assert.IsType<System.Net.IPEndPoint>(log.State.Single(kv => kv.Key == "RemoteEndPoint").Value).Address.ToString());
            Assert.DoesNotContain(logs.Entries, e => e.Id.Name == "CallEnded" && e.Message.Contains(Guid.Empty.ToString(), StringComparison.Ordinal));
        }
        else
        {
            Assert.Equal("CallId", log.State[0].Key);
        }

        if (violation is "NoUuid" or "IdlePeer")
        {
            Assert.Equal("IdleTimeout", log.State.Single(kv => kv.Key == "Violation").Value?.ToString());
        }
        if (host.Control.Call(badCallId).Started.Task.IsCompleted)
        {
            var reason = await host.Control.Call(badCallId).Ended.Task.WaitAsync(ct);
            Assert.Equal(violation == "IdlePeer" ? HangupReason.PeerTimeout : HangupReason.ProtocolError, reason);
        }
    }

    [Fact]
    public async Task Pacing_NothingQueued_OneSilenceFramePerTickNeverABurst()
    {
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(cancellationToken: ct);
        var pacer = host.Services.GetRequiredService<OutboundPacer>();
        await using var warmUp = await host.StartLiveCallAsync(ct);   // the sender starts with the first call
        Assert.True(pacer.UsesWireSender, "the wire sender is built with the gateway on Linux");
        var ticksBefore = pacer.WireTicks;   // before the call: every frame it gets is written at a later tick
        await using var call = await host.StartLiveCallAsync(ct);

        var frames = new List<ReceivedFrame>();
        for (var i = 0; i < 50; i++)
        {
            frames.Add((await call.Client.ReadFrameAsync(ct))!);
        }

        // Counted, not timed: one frame per call per tick, so the call's first 50 frames (and any its start read) took
        // at least 50 of the sender's ticks, however slowly the machine ran them. A burst would take fewer.
        var ticks = pacer.WireTicks - ticksBefore;
        Assert.True(ticks >= 50, $"50 frames arrived in {ticks} ticks: a burst");
        Assert.All(frames, f => Assert.Equal(AudioSocketKind.Audio, f.Kind));
        Assert.All(frames, f => Assert.True(f.IsSilence));
    }

    [Fact]
    public async Task PlayAsync_QueuedItem_ArrivesByteExactPaddedAndPlaybackFinishedIsReported()
    {
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(cancellationToken: ct);
        await using var call = await host.StartLiveCallAsync(ct);
        var pcm = TestAudio.Pattern(800);

        await host.Control.Call(call.CallId).Media!.PlayAsync(new PlaybackItem(42, "greeting", pcm, 8000));
        var frames = await call.Client.ReadUntilAsync(f => !f.IsSilence, ct);
        var played = new List<byte>(frames[^1].Payload);
        played.AddRange((await call.Client.ReadFrameAsync(ct))!.Payload);
        played.AddRange((await call.Client.ReadFrameAsync(ct))!.Payload);
        var finished = await host.Control.Call(call.CallId).PlaybackFinished.Reader.ReadAsync(ct);

        Assert.Equal([.. pcm, .. new byte[160]], played);
        Assert.Equal(42, finished);
    }

    [Fact]
    public async Task PlayAsync_StreamedChunksOfOneId_ArriveContiguousPaddedOnlyAtTheEndAndFinishedOnce()
    {
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(cancellationToken: ct);
        await using var call = await host.StartLiveCallAsync(ct);
        var recorded = host.Control.Call(call.CallId);
        byte[][] chunks = [TestAudio.Pattern(500, 1), TestAudio.Pattern(700, 2), TestAudio.Pattern(90, 3), TestAudio.Pattern(1000, 4), TestAudio.Pattern(250, 5)];
        byte[] all = [.. chunks.SelectMany(c => c)];   // 2540 bytes: 8 frames, the last one 300 bytes short

        for (var i = 0; i < chunks.Length; i++)
        {
            await recorded.Media!.PlayAsync(new PlaybackItem(11, "streamed", chunks[i], 8000, MoreFollows: i < chunks.Length - 1));
        }

        var frames = await call.Client.ReadUntilAsync(f => !f.IsSilence, ct);
        var played = new List<byte>(frames[^1].Payload);
        for (var i = 1; i < 8; i++)
        {
            played.AddRange((await call.Client.ReadFrameAsync(ct))!.Payload);
        }

        var finished = await recorded.PlaybackFinished.Reader.ReadAsync(ct);
        var after = await ReadFramesAfterAsync(call.Client, TimeSpan.Zero, count: 5, ct);

        Assert.Equal([.. all, .. new byte[8 * 320 - all.Length]], played);
        Assert.Equal(11, finished);
        Assert.False(recorded.PlaybackFinished.Reader.TryRead(out _));
        Assert.All(after, f => Assert.True(f.IsSilence));
        Assert.Equal(0, ((CallSession)recorded.Media!).StarvedFrames);
    }

    [Fact]
    public async Task PlayAsync_StreamedChunkLate_OnePaddedFrameThenSilenceCountedAsUnderrunsAndNoStall()
    {
        // The pacer writing frames itself: a frame is due, so the part of the chunk it has goes out padded.
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(o => o.WireSender = false, cancellationToken: ct);
        await using var call = await host.StartLiveCallAsync(ct);
        var recorded = host.Control.Call(call.CallId);
        var session = (CallSession)recorded.Media!;
        var first = TestAudio.Pattern(500, 1);
        var second = TestAudio.Pattern(400, 2);

        await session.PlayAsync(new PlaybackItem(12, "streamed", first, 8000, MoreFollows: true));
        var head = (await call.Client.ReadUntilAsync(f => !f.IsSilence, ct))[^1];
        var padded = (await call.Client.ReadFrameAsync(ct))!;
        var waiting = await ReadFramesAfterAsync(call.Client, TimeSpan.Zero, count: 3, ct);
        await session.PlayAsync(new PlaybackItem(12, "streamed", second, 8000));
        var resumed = await call.Client.ReadUntilAsync(f => !f.IsSilence, ct);
        var tail = (await call.Client.ReadFrameAsync(ct))!;
        var finished = await recorded.PlaybackFinished.Reader.ReadAsync(ct);

        Assert.Equal(first[..320], head.Payload);
        Assert.Equal([.. first[320..], .. new byte[140]], padded.Payload);
        Assert.All(waiting, f => Assert.True(f.IsSilence));
        Assert.Equal(second[..320], resumed[^1].Payload);
        Assert.Equal([.. second[320..], .. new byte[240]], tail.Payload);
        Assert.Equal(12, finished);
        var silentWhileWaiting = waiting.Count + resumed.Count - 1;
        TestContext.Current.SendDiagnosticMessage($"Late chunk: 1 padded frame and {silentWhileWaiting} silent frames while waiting; underruns {session.StarvedFrames}.");
        Assert.Equal(1 + silentWhileWaiting, session.StarvedFrames);
        Assert.True(host.Services.GetRequiredService<OutboundPacer>().StarvedFrames >= session.StarvedFrames);
    }

    [Fact]
    public async Task PlayAsync_StreamedChunkLateOnTheWireSender_SilenceWhileWaitingThenTheStreamContinuesWhole()
    {
        // The wire sender writes only whole frames queued ahead: the chunk's tail waits for the next chunk (the sender's
        // silence covers the wait, counted as starved) and the stream then goes on without a hole inside a frame.
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(cancellationToken: ct);
        await using var call = await host.StartLiveCallAsync(ct);
        var recorded = host.Control.Call(call.CallId);
        var session = (CallSession)recorded.Media!;
        var pacer = host.Services.GetRequiredService<OutboundPacer>();
        Assert.True(pacer.UsesWireSender, "the wire sender is built with the gateway on Linux");
        var first = TestAudio.Pattern(500, 1);
        var second = TestAudio.Pattern(400, 2);

        await session.PlayAsync(new PlaybackItem(12, "streamed", first, 8000, MoreFollows: true));
        var head = (await call.Client.ReadUntilAsync(f => !f.IsSilence, ct))[^1];
        var waiting = await ReadFramesAfterAsync(call.Client, TimeSpan.Zero, count: 3, ct);
        await session.PlayAsync(new PlaybackItem(12, "streamed", second, 8000));
        var resumed = await call.Client.ReadUntilAsync(f => !f.IsSilence, ct);
        var tail = (await call.Client.ReadFrameAsync(ct))!;
        var finished = await recorded.PlaybackFinished.Reader.ReadAsync(ct);

        Assert.Equal(first[..320], head.Payload);
        Assert.All(waiting, f => Assert.True(f.IsSilence));
        Assert.Equal([.. first[320..], .. second[..140]], resumed[^1].Payload);
        Assert.Equal([.. second[140..], .. new byte[60]], tail.Payload);
        Assert.Equal(12, finished);
        var silentWhileWaiting = waiting.Count + resumed.Count - 1;
        Assert.Equal(silentWhileWaiting, session.StarvedFrames);
        await Waits.UntilAsync(() => pacer.StarvedFrames >= silentWhileWaiting, ct);   // counted at the pacer's next tick
    }

    [Fact]
    public async Task FlushAsync_WhilePlaying_ClientHearsSilenceSoonAfter()
    {
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(cancellationToken: ct);
        await using var call = await host.StartLiveCallAsync(ct);
        var media = host.Control.Call(call.CallId).Media!;
        await media.PlayAsync(new PlaybackItem(1, "five seconds", TestAudio.Pattern(5 * 16000), 8000));
        await call.Client.ReadUntilAsync(f => !f.IsSilence, ct);

        await media.FlushAsync();
        var untilSilence = await call.Client.ReadUntilAsync(f => f.IsSilence, ct);
        var next = new List<ReceivedFrame>();
        for (var i = 0; i < 10; i++)
        {
            next.Add((await call.Client.ReadFrameAsync(ct))!);
        }

        Assert.True(untilSilence.Count <= 10, $"{untilSilence.Count} frames of audio after the flush.");
        Assert.All(next, f => Assert.True(f.IsSilence));
        Assert.False(host.Control.Call(call.CallId).PlaybackFinished.Reader.TryRead(out _));
    }

    [Fact]
    public async Task HangUpAsync_AfterPlayback_AudioThenHangupFrameThenClose()
    {
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(cancellationToken: ct);
        await using var call = await host.StartLiveCallAsync(ct);
        var media = host.Control.Call(call.CallId).Media!;
        var pcm = TestAudio.Pattern(960);

        await media.PlayAsync(new PlaybackItem(5, "goodbye", pcm, 8000));
        await media.HangUpAsync();
        var beforeHangup = await call.Client.ReadUntilHangupAsync(ct);
        var afterHangup = await call.Client.ReadToEndAsync(ct);
        var reason = await host.Control.Call(call.CallId).Ended.Task.WaitAsync(ct);

        // The whole goodbye, then the hang-up. A pacer tick late on a loaded machine may put a frame of silence between
        // them (the line never goes without a frame), which the caller cannot hear.
        var beforeSilence = beforeHangup.Take(beforeHangup.Count - beforeHangup.Reverse().TakeWhile(f => f.IsSilence).Count()).ToList();
        Assert.True(beforeHangup.Count - beforeSilence.Count <= 2, $"{beforeHangup.Count - beforeSilence.Count} frames of silence before the hang-up.");
        Assert.Equal(pcm, beforeSilence.TakeLast(3).SelectMany(f => f.Payload).ToArray());
        Assert.Empty(afterHangup);
        Assert.Null(reason);
        Assert.Equal(5, await host.Control.Call(call.CallId).PlaybackFinished.Reader.ReadAsync(ct));

        // The call record learns when the goodbye reached the gateway and when its first frame went out.
        var facts = host.Control.Call(call.CallId).EndFacts!;
        Assert.True(facts.PlaybackStarted[5] >= facts.PlaybackQueued[5]);
        Assert.True(facts.EndedAt >= facts.PlaybackStarted[5]);
    }

    [Fact]
    public async Task BotHangsUp_AsteriskClosesTheSocketAtOnce_TheCallEndedByTheBot()
    {
        // Asterisk closes the socket about 1 ms after reading the bot's 00 00 00: the end-of-file that follows is its
        // answer to the bot's hang-up, not a caller hanging up. Many calls at once, as the race went either way.
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(cancellationToken: ct);
        var calls = new List<LiveCall>();
        for (var i = 0; i < 12; i++)
        {
            var call = await host.StartLiveCallAsync(ct);
            call.Client.CloseOnHangup = true;
            call.Client.StartAudioPump();   // Asterisk streams the caller's audio up to the close
            calls.Add(call);
        }

        await Task.WhenAll(calls.Select(call => host.Control.Call(call.CallId).Media!.HangUpAsync()));
        var reasons = await Task.WhenAll(calls.Select(call => host.Control.Call(call.CallId).Ended.Task.WaitAsync(ct)));
        foreach (var call in calls)
        {
            await call.DisposeAsync();
        }

        Assert.All(reasons, Assert.Null);
    }

    [Theory]
    [InlineData(true)]    // 00 00 00 right after the UUID
    [InlineData(false)]   // the socket closed right after the UUID
    public async Task CallerLeavesBetweenUuidAndFirstAudio_TheCallIsStartedAndEndedSoItHasARecord(bool sendsHangup)
    {
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(cancellationToken: ct);
        await using var client = await host.ConnectAsync(ct);
        var callId = Guid.NewGuid();

        await client.SendUuidAsync(callId, ct);
        if (sendsHangup)
        {
            await client.SendRawAsync(new byte[] { 0x00, 0x00, 0x00 }, ct);
        }
        else
        {
            await client.HangUpAsync();
        }

        await host.Control.Call(callId).Started.Task.WaitAsync(ct);
        Assert.Equal(HangupReason.CallerHungUp, await host.Control.Call(callId).Ended.Task.WaitAsync(ct));
        Assert.NotNull(host.Control.Call(callId).EndFacts);
        await SlotFreedAsync(host, ct);
    }

    [Fact]
    public async Task CallerHangsUp_SocketClosed_ControlToldCallerHungUpAndSlotFreed()
    {
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(cancellationToken: ct);
        await using var call = await host.StartLiveCallAsync(ct);

        await call.Client.HangUpAsync();
        var reason = await host.Control.Call(call.CallId).Ended.Task.WaitAsync(ct);

        Assert.Equal(HangupReason.CallerHungUp, reason);
        await SlotFreedAsync(host, ct);
    }

    [Fact]
    public async Task Admission_OverMaxConcurrentCalls_SecondCallerHearsBusyPhraseThenHangupAndFirstIsUndisturbed()
    {
        var ct = Timeout();
        var logs = new RecordingLoggerProvider();
        await using var host = await GatewayTestHost.StartAsync(o => o.MaxConcurrentCalls = 1, services => services.AddSingleton<ILoggerProvider>(logs), ct);
        var busy = TestAudio.Pattern(1000, seed: 3);
        host.Control.AddPhrase("lines_busy", busy);
        await using var first = await host.StartLiveCallAsync(ct);
        await using var second = await host.ConnectAsync(ct);
        var secondId = Guid.NewGuid();

        await second.SendUuidAsync(secondId, ct);
        second.StartAudioPump();
        var beforeHangup = await second.ReadUntilHangupAsync(ct);
        var afterHangup = await second.ReadToEndAsync(ct);
        var firstFrames = await ReadFramesAfterAsync(first.Client, TimeSpan.FromMilliseconds(100), count: 10, ct);

        var heard = beforeHangup.SkipWhile(f => f.IsSilence).SelectMany(f => f.Payload).ToArray();
        Assert.Equal([.. busy, .. new byte[280]], heard);
        Assert.Empty(afterHangup);
        Assert.False(host.Control.Call(secondId).Started.Task.IsCompleted);
        Assert.Equal(10, firstFrames.Count);
        Assert.False(first.Client.Closed.IsCompleted);
        Assert.Contains(logs.Entries, e => e.Id.Name == "CallRefused");
    }

    [Fact]
    public async Task DuplicateCallId_SecondConnectionHearsTheBusyPhrase_TheLiveCallGoesOnAndIsNotLoggedEnded()
    {
        var ct = Timeout();
        var logs = new RecordingLoggerProvider();
        await using var host = await GatewayTestHost.StartAsync(configureServices: services => services.AddSingleton<ILoggerProvider>(logs), cancellationToken: ct);
        var busy = TestAudio.Pattern(1000, seed: 3);
        host.Control.AddPhrase("lines_busy", busy);
        await using var live = await host.StartLiveCallAsync(ct);
        await using var duplicate = await host.ConnectAsync(ct);

        await duplicate.SendUuidAsync(live.CallId, ct);
        duplicate.StartAudioPump();
        var beforeHangup = await duplicate.ReadUntilHangupAsync(ct);
        await duplicate.ReadToEndAsync(ct);
        var liveFrames = await ReadFramesAfterAsync(live.Client, TimeSpan.FromMilliseconds(100), count: 10, ct);

        Assert.Equal([.. busy, .. new byte[280]], beforeHangup.SkipWhile(f => f.IsSilence).SelectMany(f => f.Payload).ToArray());
        Assert.Equal(10, liveFrames.Count);
        Assert.False(live.Client.Closed.IsCompleted);
        Assert.False(host.Control.Call(live.CallId).Ended.Task.IsCompleted);
        var refused = Assert.Single(logs.Entries, e => e.Id.Name == "DuplicateCall");
        Assert.Equal("ConnectionId", refused.State[0].Key);
        Assert.Contains(logs.Entries, e => e.Id.Name == "DuplicateClosed");
        Assert.DoesNotContain(logs.Entries, e => e.Id.Name == "CallEnded");
        Assert.Single(logs.Entries, e => e.Id.Name == "CallConnected");   // the live call's own connection only
    }

    [Fact]
    public async Task ViolationsBeforeAnyCall_ManyConnections_LogAFewLinesAndCountEveryOne()
    {
        var ct = Timeout();
        var logs = new RecordingLoggerProvider();
        await using var host = await GatewayTestHost.StartAsync(configureServices: services => services.AddSingleton<ILoggerProvider>(logs), cancellationToken: ct);

        for (var i = 0; i < 20; i++)
        {
            await using var stray = await host.ConnectAsync(ct);
            await stray.SendRawAsync(new byte[] { 0x10, 0x01, 0x40 }.Concat(new byte[320]).ToArray(), ct);   // audio before the UUID
            await stray.ReadUntilHangupAsync(ct);
        }

        Assert.Equal(ConnectionViolationLog.LinesPerWindow, logs.Entries.Count(e => e.Id.Name == "ConnectionViolation"));
        Assert.DoesNotContain(logs.Entries, e => e.Id.Name is "ProtocolViolation" or "CallEnded");
    }

    [Fact]
    public async Task Admission_BusyPhraseUnavailable_SecondCallerHearsAbout300msOfSilenceThenHangup()
    {
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(o => o.MaxConcurrentCalls = 1, cancellationToken: ct);
        await using var first = await host.StartLiveCallAsync(ct);
        await using var second = await host.ConnectAsync(ct);

        await second.SendUuidAsync(Guid.NewGuid(), ct);
        second.StartAudioPump();
        var beforeHangup = await second.ReadUntilHangupAsync(ct);
        var afterHangup = await second.ReadToEndAsync(ct);

        Assert.InRange(beforeHangup.Count, 15, 17);
        Assert.All(beforeHangup, f => Assert.True(f.IsSilence));
        Assert.Empty(afterHangup);
    }

    [Fact]
    public async Task Fuzz_RandomBytesOnSeveralConnections_EachClosesAndANormalCallStillWorks()
    {
        var ct = Timeout(TimeSpan.FromSeconds(60));
        await using var host = await GatewayTestHost.StartAsync(
            o =>
            {
                o.UuidTimeout = TimeSpan.FromMilliseconds(300);
                o.IdleTimeout = TimeSpan.FromMilliseconds(300);
            },
            cancellationToken: ct);
        var random = new Random(20250106);
        var fuzzers = new List<FakeAsteriskClient>();
        for (var i = 0; i < 12; i++)
        {
            var client = await host.ConnectAsync(ct);
            fuzzers.Add(client);
            var bytes = new byte[random.Next(1, 3000)];
            random.NextBytes(bytes);
            if (i % 3 == 1)
            {
                // Start a real call first so the garbage hits the media path.
                await client.SendUuidAsync(Guid.NewGuid(), ct);
                await client.SendAudioAsync(new byte[320], cancellationToken: ct);
            }

            for (var offset = 0; offset < bytes.Length;)
            {
                var chunk = Math.Min(random.Next(1, 400), bytes.Length - offset);
                try
                {
                    await client.SendRawAsync(bytes.AsMemory(offset, chunk), ct);
                }
                catch (IOException)
                {
                    break;   // the gateway already hung up
                }

                offset += chunk;
            }
        }

        foreach (var client in fuzzers)
        {
            var frames = await client.ReadToEndAsync(ct);
            Assert.Null(client.ReceiveError);
            Assert.All(frames, f => Assert.True(f.Kind is AudioSocketKind.Audio or AudioSocketKind.Hangup));
            await client.DisposeAsync();
        }

        await using var call = await host.StartLiveCallAsync(ct);
        await call.Client.SendDtmfAsync('7', ct);
        var media = await host.Control.Call(call.CallId).ReadInboundUntilDtmfAsync(ct);
        Assert.Equal('7', media[^1].Digit);
        Assert.Equal(AudioSocketKind.Audio, (await call.Client.ReadFrameAsync(ct))!.Kind);
    }

    [Fact]
    public async Task OnConnectedAsync_SteadyInboundAudio_AllocatesOnlyThePublishedFramePerFrame()
    {
        const int Warmup = 200;
        const int Measured = 2000;
        var ct = Timeout();
        var control = new CountingCallControl();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<ICallControl>(control)
            .AddSingleton(new OutboundPacer(new FakeTimeProvider(), NullLogger<OutboundPacer>.Instance))   // never ticks
            .AddSingleton(new CallRecordingWriter(
                Options.Create(new RecordingOptions()),
                new RecordingDirectory(Path.Combine(Path.GetTempPath(), "voicebot-never-written")),
                TimeProvider.System,
                NullLogger<CallRecordingWriter>.Instance))
            .AddAudioSocketGateway(new ConfigurationBuilder().Build());
        await using var provider = services.BuildServiceProvider();
        var handler = provider.GetRequiredService<AudioSocketConnectionHandler>();

        // Inline schedulers: each flush below runs the handler's read loop on this thread, up to its next read.
        var inbound = new Pipe(new PipeOptions(new TestMemoryPool(), PipeScheduler.Inline, PipeScheduler.Inline, useSynchronizationContext: false));
        var outbound = new Pipe(new PipeOptions(useSynchronizationContext: false));
        var connection = new DefaultConnectionContext("alloc", new TestDuplexPipe(inbound.Reader, outbound.Writer), new TestDuplexPipe(outbound.Reader, inbound.Writer));
        var connected = handler.OnConnectedAsync(connection);
        var callId = Guid.NewGuid();
        AudioSocketFrameWriter.WriteUuid(inbound.Writer, callId);
        await inbound.Writer.FlushAsync(ct);
        var frame = TestAudio.Tone(TimeSpan.FromMilliseconds(20), 440, -50);   // below the barge-in threshold: no barge-in
        await SendAudioAsync(inbound.Writer, frame, ct);
        await control.Media!.PlayAsync(new PlaybackItem(1, "long", TestAudio.Pattern(320 * 1000), 8000));   // barge-in detection runs
        for (var i = 0; i < Warmup; i++)
        {
            await SendAudioAsync(inbound.Writer, frame, ct);
        }

        var envelope = PublishedFrameBytes(frame.Length);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Measured; i++)
        {
            await SendAudioAsync(inbound.Writer, frame, ct);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        await inbound.Writer.CompleteAsync();
        await connected.WaitAsync(ct);

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"inbound: {allocated} bytes over {Measured} frames ({(double)allocated / Measured} per frame; published frame {envelope})");
        Assert.Equal(Measured * envelope, allocated);
        Assert.Equal(1 + Warmup + Measured, control.Published);
        Assert.Equal(Warmup + Measured, control.Last!.Sequence);
        Assert.Equal(frame, control.Last.Audio);
    }

    /// <summary>
    /// The end is reported to the control plane just before the call's slot is freed (the drain must be able to wait
    /// for the report), so a test that saw the report waits for the slot too.
    /// </summary>
    private static Task SlotFreedAsync(GatewayTestHost host, CancellationToken ct)
    {
        var registry = host.Services.GetRequiredService<CallRegistry>();
        return Waits.UntilAsync(() => registry.ActiveCalls == 0, ct);
    }

    private static CancellationToken Timeout(TimeSpan? timeout = null)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(timeout ?? TimeSpan.FromSeconds(20));
        return source.Token;
    }

    private static async Task<List<ReceivedFrame>> ReadFramesAfterAsync(FakeAsteriskClient client, TimeSpan drain, int count, CancellationToken ct)
    {
        // Skip what was already buffered, then take the next frames as they come.
        var drainUntil = Stopwatch.GetTimestamp() + (long)(drain.TotalSeconds * Stopwatch.Frequency);
        var frames = new List<ReceivedFrame>();
        while (frames.Count < count)
        {
            var frame = await client.ReadFrameAsync(ct) ?? throw new InvalidOperationException("The good call was closed.");
            if (frame.ReceivedAt >= drainUntil)
            {
                frames.Add(frame);
            }
        }

        return frames;
    }

    private static async Task<InboundMedia> DrainThenReadInboundAsync(FakeCallControl.RecordedCall call, CancellationToken ct)
    {
        while (call.Inbound.Reader.TryRead(out _))
        {
        }

        return await call.ReadInboundAsync(ct);
    }

    private static byte[] ViolationBytes(string violation, Guid callId)
    {
        byte[] uuid = [.. UuidPrefix, .. callId.ToByteArray(bigEndian: true)];
        byte[] audio = [0x10, 0x01, 0x40, .. new byte[320]];
        return violation switch
        {
            "UnknownKindBeforeUuid" => [0x02, 0x00, 0x00],
            "UnknownKindAfterUuid" => [.. uuid, .. audio, 0x42, 0x00, 0x00],
            "PayloadAboveMax" => [.. uuid, .. audio, 0x10, 0x10, 0x01],
            "AudioBeforeUuid" => audio,
            "DtmfBeforeUuid" => [0x03, 0x00, 0x01, (byte)'5'],
            "SecondUuid" => [.. uuid, .. audio, .. uuid],
            "OddLengthAudio" => [.. uuid, .. audio, 0x10, 0x00, 0x03, 1, 2, 3],
            "EmptyAudio" => [.. uuid, .. audio, 0x10, 0x00, 0x00],
            "UuidNot16Bytes" => [0x01, 0x00, 0x04, 1, 2, 3, 4],
            "ErrorKind" => [.. uuid, .. audio, 0xFF, 0x00, 0x00],
            "BadDtmfDigit" => [.. uuid, .. audio, 0x03, 0x00, 0x01, (byte)'x'],
            "NoUuid" => [],
            "IdlePeer" => [.. uuid, .. audio],
            _ => throw new ArgumentOutOfRangeException(nameof(violation), violation, null),
        };
    }

    private static async ValueTask SendAudioAsync(PipeWriter writer, byte[] pcm, CancellationToken ct)
    {
        AudioSocketFrameWriter.Write(writer, AudioSocketKind.Audio, pcm);
        await writer.FlushAsync(ct);
    }

    /// <summary>What the stream event for one inbound frame costs by itself: its payload array and its envelope.</summary>
    private static long PublishedFrameBytes(int payloadBytes)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var media = InboundMedia.ForAudio(0, new byte[payloadBytes], 8000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        GC.KeepAlive(media);
        return allocated;
    }

    private sealed class TestDuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>A control plane that only counts what is published and keeps the last event: nothing grows per frame.</summary>
    private sealed class CountingCallControl : ICallControl
    {
        public ICallMediaSink? Media { get; private set; }

        public int Published { get; private set; }

        public InboundMedia? Last { get; private set; }

        public Task StartCallAsync(Guid callId, CallStart start, ICallMediaSink media, CancellationToken cancellationToken = default)
        {
            Media = media;
            return Task.CompletedTask;
        }

        public ValueTask PublishAsync(Guid callId, InboundMedia media, CancellationToken cancellationToken = default)
        {
            Published++;
            Last = media;
            return ValueTask.CompletedTask;
        }

        public Task PlaybackFinishedAsync(Guid callId, int playbackId, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task BargeInAsync(Guid callId, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task EndCallAsync(Guid callId, HangupReason? reason, CallMediaFacts media, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<PhraseAudio> GetPhraseAsync(string phraseKey, int sampleRate, CancellationToken cancellationToken = default) =>
            Task.FromException<PhraseAudio>(new KeyNotFoundException(phraseKey));
    }
}
