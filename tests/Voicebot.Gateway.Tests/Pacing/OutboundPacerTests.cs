using System.Buffers;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.IO.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Voicebot.Abstractions.Calls;
using Voicebot.Gateway.BargeIn;
using Voicebot.Gateway.Calls;
using Voicebot.Gateway.Pacing;
using Voicebot.Gateway.Watching;
using Voicebot.Protocol;
using Voicebot.Recordings;
using Voicebot.Recordings.Recording;
using Voicebot.Testing;
using Voicebot.Testing.Gateway;

namespace Voicebot.Gateway.Tests.Pacing;

public sealed class OutboundPacerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 6, 9, 0, 0, TimeSpan.Zero));
    private readonly FakeCallControl _control = new();
    private readonly Guid _callId = Guid.NewGuid();

    [Fact]
    public void Tick_NothingQueued_WritesOneSilenceFrame()
    {
        var (pacer, session, pipe) = Create();

        pacer.Tick();

        var frame = Assert.Single(ReadFrames(pipe.Reader));
        Assert.Equal(AudioSocketKind.Audio, frame.Kind);
        Assert.Equal(320, frame.Payload.Length);
        Assert.All(frame.Payload, b => Assert.Equal(0, b));
        Assert.Equal(1, pacer.Ticks);
        GC.KeepAlive(session);
    }

    [Fact]
    public void Tick_Slin16Call_Writes640ByteFramesOfKind0x12()
    {
        var (pacer, _, pipe) = Create(sampleRate: 16000);

        pacer.Tick();
        pacer.Tick();

        var frames = ReadFrames(pipe.Reader);
        Assert.Equal(2, frames.Count);
        Assert.All(frames, f => Assert.Equal(AudioSocketKind.AudioSlin16, f.Kind));
        Assert.All(frames, f => Assert.Equal(640, f.Payload.Length));
    }

    [Fact]
    public async Task Tick_ItemNotAWholeNumberOfFrames_LastFramePaddedWithSilenceAndFinishedReported()
    {
        var (pacer, session, pipe) = Create();
        var pcm = TestAudio.Pattern(800);
        await session.PlayAsync(new PlaybackItem(7, "test", pcm, 8000));

        for (var i = 0; i < 4; i++)
        {
            pacer.Tick();
        }

        var frames = ReadFrames(pipe.Reader);
        Assert.Equal(4, frames.Count);
        var played = frames.Take(3).SelectMany(f => f.Payload).ToArray();
        Assert.Equal([.. pcm, .. new byte[160]], played);
        Assert.All(frames[3].Payload, b => Assert.Equal(0, b));
        Assert.Equal(7, await _control.Call(_callId).PlaybackFinished.Reader.ReadAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Tick_TwoItems_SecondStartsOnAFrameBoundary()
    {
        var (pacer, session, pipe) = Create();
        var first = TestAudio.Pattern(400, seed: 1);
        var second = TestAudio.Pattern(320, seed: 9);
        await session.PlayAsync(new PlaybackItem(1, "first", first, 8000));
        await session.PlayAsync(new PlaybackItem(2, "second", second, 8000));

        pacer.Tick();
        pacer.Tick();
        pacer.Tick();

        var frames = ReadFrames(pipe.Reader);
        Assert.Equal(first[..320], frames[0].Payload);
        Assert.Equal([.. first[320..], .. new byte[240]], frames[1].Payload);
        Assert.Equal(second, frames[2].Payload);
        var finished = _control.Call(_callId).PlaybackFinished.Reader;
        Assert.Equal(1, await finished.ReadAsync(TestContext.Current.CancellationToken));
        Assert.Equal(2, await finished.ReadAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Tick_StreamedChunksOfOneId_WrittenBackToBackPaddedOnlyAtTheEndAndFinishedOnce()
    {
        var (pacer, session, pipe) = Create();
        byte[][] chunks = [TestAudio.Pattern(500, seed: 1), TestAudio.Pattern(700, seed: 2), TestAudio.Pattern(30, seed: 3), TestAudio.Pattern(250, seed: 4)];
        for (var i = 0; i < chunks.Length; i++)
        {
            await session.PlayAsync(new PlaybackItem(9, "streamed", chunks[i], 8000, MoreFollows: i < chunks.Length - 1));
        }

        for (var i = 0; i < 6; i++)
        {
            pacer.Tick();
        }

        var frames = ReadFrames(pipe.Reader);
        byte[] all = [.. chunks.SelectMany(c => c)];   // 1480 bytes: 4 full frames and 200 bytes
        Assert.Equal([.. all, .. new byte[5 * 320 - all.Length]], frames.Take(5).SelectMany(f => f.Payload).ToArray());
        Assert.All(frames[5].Payload, b => Assert.Equal(0, b));
        var finished = _control.Call(_callId).PlaybackFinished.Reader;
        Assert.Equal(9, await finished.ReadAsync(TestContext.Current.CancellationToken));
        Assert.False(finished.TryRead(out _));
        Assert.Equal(0, session.StarvedFrames);
        Assert.Equal(0, pacer.StarvedFrames);
    }

    [Fact]
    public async Task Tick_FinishedReportedOnlyAfterFinalChunkIsWritten()
    {
        var (pacer, session, _) = Create();
        var finished = _control.Call(_callId).PlaybackFinished.Reader;
        await session.PlayAsync(new PlaybackItem(4, "streamed", TestAudio.Pattern(320), 8000, MoreFollows: true));

        pacer.Tick();
        var afterFirstChunk = finished.TryRead(out _);
        await session.PlayAsync(new PlaybackItem(4, "streamed", TestAudio.Pattern(320, seed: 2), 8000));
        pacer.Tick();

        Assert.False(afterFirstChunk);
        Assert.Equal(4, await finished.ReadAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Tick_NextChunkLate_PartialFramePaddedCountedAsUnderrunAndTheClockKeepsGoing()
    {
        var (pacer, session, pipe) = Create();
        var first = TestAudio.Pattern(500, seed: 1);
        var second = TestAudio.Pattern(400, seed: 2);
        await session.PlayAsync(new PlaybackItem(3, "streamed", first, 8000, MoreFollows: true));

        pacer.Tick();
        pacer.Tick();
        var beforeLateChunk = ReadFrames(pipe.Reader);
        await session.PlayAsync(new PlaybackItem(3, "streamed", second, 8000));
        pacer.Tick();
        pacer.Tick();
        var afterLateChunk = ReadFrames(pipe.Reader);

        Assert.Equal(first[..320], beforeLateChunk[0].Payload);
        Assert.Equal([.. first[320..], .. new byte[140]], beforeLateChunk[1].Payload);
        Assert.Equal(second[..320], afterLateChunk[0].Payload);
        Assert.Equal([.. second[320..], .. new byte[240]], afterLateChunk[1].Payload);
        Assert.Equal(1, session.StarvedFrames);
        Assert.Equal(1, pacer.StarvedFrames);
        Assert.Equal(3, await _control.Call(_callId).PlaybackFinished.Reader.ReadAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Tick_StreamWaitingForNextChunk_EachSilentFrameIsAnUnderrunAndStreamStillPlaying()
    {
        var (pacer, session, pipe) = Create();
        await session.PlayAsync(new PlaybackItem(3, "streamed", TestAudio.Pattern(320), 8000, MoreFollows: true));

        pacer.Tick();
        pacer.Tick();
        pacer.Tick();

        var frames = ReadFrames(pipe.Reader);
        Assert.Equal(3, frames.Count);
        Assert.All(frames.Skip(1), f => Assert.All(f.Payload, b => Assert.Equal(0, b)));
        Assert.Equal(2, session.StarvedFrames);
        Assert.True(session.IsPlaying);
    }

    [Fact]
    public async Task Tick_StreamAbandonedForAnotherId_NewItemStartsOnAFrameBoundaryAndOldIdIsNotReported()
    {
        var (pacer, session, pipe) = Create();
        var first = TestAudio.Pattern(400, seed: 1);
        var other = TestAudio.Pattern(320, seed: 5);
        await session.PlayAsync(new PlaybackItem(1, "abandoned", first, 8000, MoreFollows: true));
        await session.PlayAsync(new PlaybackItem(2, "other", other, 8000));

        pacer.Tick();
        pacer.Tick();
        pacer.Tick();

        var frames = ReadFrames(pipe.Reader);
        Assert.Equal([.. first[320..], .. new byte[240]], frames[1].Payload);
        Assert.Equal(other, frames[2].Payload);
        var finished = _control.Call(_callId).PlaybackFinished.Reader;
        Assert.Equal(2, await finished.ReadAsync(TestContext.Current.CancellationToken));
        Assert.False(finished.TryRead(out _));
    }

    [Fact]
    public async Task FlushAsync_MidStream_LaterChunksOfThatIdAreDroppedAndTheNextIdPlays()
    {
        var (pacer, session, pipe) = Create();
        await session.PlayAsync(new PlaybackItem(6, "streamed", TestAudio.Pattern(640), 8000, MoreFollows: true));
        pacer.Tick();

        await session.FlushAsync();
        await session.PlayAsync(new PlaybackItem(6, "streamed", TestAudio.Pattern(640, seed: 2), 8000, MoreFollows: true));
        await session.PlayAsync(new PlaybackItem(6, "streamed", TestAudio.Pattern(640, seed: 3), 8000));
        await session.PlayAsync(new PlaybackItem(7, "next", TestAudio.Pattern(320, seed: 4), 8000));
        pacer.Tick();
        pacer.Tick();

        var frames = ReadFrames(pipe.Reader);
        Assert.Equal(TestAudio.Pattern(320, seed: 4), frames[1].Payload);
        Assert.All(frames[2].Payload, b => Assert.Equal(0, b));
        Assert.Equal(7, await _control.Call(_callId).PlaybackFinished.Reader.ReadAsync(TestContext.Current.CancellationToken));
        Assert.False(session.IsPlaying);
    }

    [Fact]
    public async Task Tick_StreamedPlaybackWithBargeInEnabled_AllocatesNothingPerFrame()
    {
        var (pacer, session, pipe) = Create(bargeIn: new BargeInOptions());
        for (var i = 0; i < 400; i++)
        {
            await session.PlayAsync(new PlaybackItem(1, "streamed", TestAudio.Pattern(250, seed: i), 8000, MoreFollows: true));
        }

        var inbound = TestAudio.Tone(TimeSpan.FromMilliseconds(20), 440, -40);
        for (var i = 0; i < 50; i++)
        {
            pacer.Tick();
            session.OnInboundAudio(i, inbound);
        }

        DrainPipe(pipe.Reader);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 50; i++)
        {
            pacer.Tick();
            session.OnInboundAudio(50 + i, inbound);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(0, pacer.StarvedFrames);
    }

    [Fact]
    public async Task Clock_PlayingIdleStarvedAndWidebandCallsWithRecorderAndMetrics_AllocatesNothingPerFrame()
    {
        const int Warmup = 100;
        const int Measured = 1000;
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new GatewayMetrics(services.GetRequiredService<IMeterFactory>(), new CallRegistry(Options.Create(new AudioSocketOptions())));
        using var listener = ListenToGatewayMetrics();
        var clock = new ManualClock();
        using var pacer = new OutboundPacer(clock, NullLogger<OutboundPacer>.Instance, metrics);

        // The writer is not running, so each recorder's ring fills after 150 frames (3 s) and then drops: the measured
        // ticks take both paths.
        var recordings = new CallRecordingWriter(
            Options.Create(new RecordingOptions()),
            new RecordingDirectory(Path.Combine(Path.GetTempPath(), "voicebot-never-written")),
            clock,
            NullLogger<CallRecordingWriter>.Instance);
        var playing = Paced(pacer, 8000, recordings);
        var idle = Paced(pacer, 8000, recordings);
        var starved = Paced(pacer, 8000, recordings: null);
        var wideband = Paced(pacer, 16000, recordings);
        var refused = Paced(pacer, 8000, recordings: null, admitted: false);   // a busy call: no control plane, no barge-in
        var frames = Warmup + Measured + 10;
        await playing.Session.PlayAsync(new PlaybackItem(1, "long", TestAudio.Pattern(frames * 320), 8000));
        await wideband.Session.PlayAsync(new PlaybackItem(1, "long", TestAudio.Pattern(frames * 640), 16000));
        await starved.Session.PlayAsync(new PlaybackItem(1, "streamed", TestAudio.Pattern(320), 8000, MoreFollows: true));
        (CallSession Session, Pipe Pipe)[] calls = [playing, idle, starved, wideband, refused];
        for (var i = 0; i < Warmup; i++)
        {
            clock.Advance(AudioSocketKinds.FrameDuration);
            DrainPipes(calls);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var written = 0L;
        for (var i = 0; i < Measured; i++)
        {
            clock.Advance(AudioSocketKinds.FrameDuration);
            written += DrainPipes(calls);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        TestContext.Current.TestOutputHelper?.WriteLine($"outbound: {allocated} bytes over {Measured} ticks x {calls.Length} calls");
        Assert.Equal(0, allocated);
        Assert.Equal((long)Measured * ((4 * (3 + 320)) + 3 + 640), written);
        Assert.True(playing.Session.IsPlaying);
        Assert.True(wideband.Session.IsPlaying);
        Assert.Equal(Warmup + Measured - 1, pacer.StarvedFrames);
        Assert.Equal(0, pacer.Underruns);
        Assert.Equal(0, pacer.LateTicks);
    }

    [Fact]
    public async Task Clock_OverRealKestrelConnections_AllocatesNothingPerFrameOnThePacersThread()
    {
        const int Warmup = 100;
        const int Measured = 500;
        var ct = TestContext.Current.CancellationToken;
        var clock = new ManualClock();
        await using var host = await GatewayTestHost.StartAsync(
            o => o.IdleTimeout = TimeSpan.FromMinutes(10),   // the callers go quiet once their calls have started
            services => services.AddSingleton(sp => new OutboundPacer(clock, NullLogger<OutboundPacer>.Instance, sp.GetRequiredService<GatewayMetrics>())),
            ct);
        var callers = new List<FakeAsteriskClient>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var caller = await host.ConnectAsync(ct);
                callers.Add(caller);
                var callId = Guid.NewGuid();
                await caller.SendUuidAsync(callId, ct);
                await caller.SendAudioAsync(new byte[320], cancellationToken: ct);
                await host.Control.Call(callId).Started.Task.WaitAsync(ct);
                if (i % 2 == 0)
                {
                    await host.Control.Call(callId).Media!.PlayAsync(new PlaybackItem(1, "long", TestAudio.Pattern(320 * (Warmup + Measured + 10)), 8000));
                }
            }

            // Only the ticks are measured: the clock runs on this thread, Kestrel's sockets send on their own threads.
            // Each flush hands Kestrel's socket sender a work item; when those threads fall behind (a busy machine), the
            // runtime's work queue grows a segment on the enqueuing thread. That is a rare, amortized allocation the
            // product does not own, so the test counts the ticks that allocated: a per-frame allocation would show on
            // every one of them.
            var allocated = 0L;
            var allocatingTicks = 0;
            for (var i = 0; i < Warmup + Measured; i++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                clock.Advance(AudioSocketKinds.FrameDuration);
                var tick = GC.GetAllocatedBytesForCurrentThread() - before;
                if (i >= Warmup && tick > 0)
                {
                    allocated += tick;
                    allocatingTicks++;
                }

                foreach (var caller in callers)
                {
                    Assert.Equal(AudioSocketKind.Audio, (await caller.ReadFrameAsync(ct))?.Kind);
                }
            }

            TestContext.Current.TestOutputHelper?.WriteLine(
                $"outbound over Kestrel: {allocated} bytes in {allocatingTicks} of {Measured} ticks x {callers.Count} calls");
            Assert.InRange(allocatingTicks, 0, Measured / 50);
            Assert.Equal(0, host.Services.GetRequiredService<OutboundPacer>().Underruns);
        }
        finally
        {
            foreach (var caller in callers)
            {
                await caller.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task FlushAsync_WhilePlaying_DropsEverythingQueuedAndNextFrameIsSilence()
    {
        var (pacer, session, pipe) = Create();
        await session.PlayAsync(new PlaybackItem(1, "long", TestAudio.Pattern(3200), 8000));
        await session.PlayAsync(new PlaybackItem(2, "next", TestAudio.Pattern(320), 8000));
        pacer.Tick();

        await session.FlushAsync();
        pacer.Tick();
        pacer.Tick();

        var frames = ReadFrames(pipe.Reader);
        Assert.Equal(TestAudio.Pattern(3200)[..320], frames[0].Payload);
        Assert.All(frames.Skip(1), f => Assert.All(f.Payload, b => Assert.Equal(0, b)));
        Assert.False(_control.Call(_callId).PlaybackFinished.Reader.TryRead(out _));
    }

    [Fact]
    public async Task HangUpAsync_WithAudioQueued_PlaysItThenWritesHangupAndEnds()
    {
        var (pacer, session, pipe) = Create();
        var pcm = TestAudio.Pattern(640);
        await session.PlayAsync(new PlaybackItem(3, "bye", pcm, 8000));

        await session.HangUpAsync();
        for (var i = 0; i < 5; i++)
        {
            pacer.Tick();
        }

        var frames = ReadFrames(pipe.Reader);
        Assert.Equal(3, frames.Count);
        Assert.Equal(pcm, frames.Take(2).SelectMany(f => f.Payload).ToArray());
        Assert.Equal(AudioSocketKind.Hangup, frames[2].Kind);
        Assert.Empty(frames[2].Payload);
        Assert.Equal(CallSessionEnd.HangupSent, await session.Ended.WaitAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Abort_WithAudioQueued_WritesHangupOnTheNextTick()
    {
        var (pacer, session, pipe) = Create();
        await session.PlayAsync(new PlaybackItem(3, "long", TestAudio.Pattern(3200), 8000));

        session.Abort();
        pacer.Tick();
        pacer.Tick();

        var frame = Assert.Single(ReadFrames(pipe.Reader));
        Assert.Equal(AudioSocketKind.Hangup, frame.Kind);
        Assert.Equal(CallSessionEnd.AbortSent, await session.Ended.WaitAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Tick_PreviousFlushStillPending_SkipsSessionAndCountsUnderrun()
    {
        // Three unread frames (969 bytes) exceed the pause threshold: the third flush stays pending.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 700, resumeWriterThreshold: 350, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        var (pacer, _, _) = Create(pipe: pipe);

        pacer.Tick();
        pacer.Tick();
        pacer.Tick();
        pacer.Tick();
        var whileBlocked = ReadFrames(pipe.Reader);
        pacer.Tick();

        Assert.Equal(3, whileBlocked.Count);
        Assert.Equal(1, pacer.Underruns);
        Assert.Single(ReadFrames(pipe.Reader));
    }

    [Fact]
    public async Task PlayAsync_ItemAtAnotherRate_Throws()
    {
        var (_, session, _) = Create();

        await Assert.ThrowsAsync<ArgumentException>(() => session.PlayAsync(new PlaybackItem(1, "wideband", new byte[640], 16000)));
    }

    [Fact]
    public void Clock_AdvancedFrameByFrame_WritesOneFramePerPeriod()
    {
        var (pacer, _, pipe) = Create();

        for (var i = 0; i < 5; i++)
        {
            _time.Advance(AudioSocketKinds.FrameDuration);
        }

        Assert.Equal(5, ReadFrames(pipe.Reader).Count);
        Assert.Equal(0, pacer.LateTicks);
    }

    [Fact]
    public void Clock_TickVeryLate_WritesOneFrameNotABurstAndReanchors()
    {
        var (pacer, _, pipe) = Create();
        _time.Advance(AudioSocketKinds.FrameDuration);
        ReadFrames(pipe.Reader);

        _time.Advance(TimeSpan.FromMilliseconds(200));
        var afterStall = ReadFrames(pipe.Reader).Count;
        _time.Advance(AudioSocketKinds.FrameDuration);
        var afterNextPeriod = ReadFrames(pipe.Reader).Count;

        Assert.Equal(1, afterStall);
        Assert.Equal(1, pacer.LateTicks);
        Assert.Equal(1, afterNextPeriod);
    }

    [Fact]
    public void Clock_LateTicks_ReportedByTheTimerWithTheirCountAndTheWorstNeverOnTheTick()
    {
        using var logs = new RecordingLoggerProvider();
        using var loggers = new LoggerFactory([logs]);
        var pipe = new Pipe(new PipeOptions(pool: new TestMemoryPool(), useSynchronizationContext: false));
        using var session = new CallSession(_callId, 8000, pipe.Writer, input: null, _control, NullLogger.Instance);
        using var pacer = new OutboundPacer(_time, loggers.CreateLogger<OutboundPacer>());
        pacer.Add(session);

        _time.Advance(AudioSocketKinds.FrameDuration);
        _time.Advance(TimeSpan.FromMilliseconds(80));    // due at 40 ms, runs at 100: 60 ms late
        _time.Advance(AudioSocketKinds.FrameDuration);
        _time.Advance(TimeSpan.FromMilliseconds(150));   // due at 140 ms, runs at 270: 130 ms late
        var onTheTicks = logs.Entries.Count(e => e.Id.Name == "PacerLate");
        AdvanceFrameByFrame(TimeSpan.FromSeconds(10));   // on time from here: the report timer fires once
        var afterOneInterval = logs.Entries.Where(e => e.Id.Name == "PacerLate").ToList();
        AdvanceFrameByFrame(TimeSpan.FromSeconds(10));   // nothing late: nothing to report

        Assert.Equal(0, onTheTicks);
        var report = Assert.Single(afterOneInterval);
        Assert.Equal(2L, report.State.Single(kv => kv.Key == "LateTicks").Value);
        Assert.Equal(130, (double)report.State.Single(kv => kv.Key == "WorstMs").Value!, precision: 3);
        Assert.Single(logs.Entries, e => e.Id.Name == "PacerLate");
        Assert.Equal(2, pacer.LateTicks);
    }

    [Fact]
    public void Remove_Session_IsNoLongerWritten()
    {
        var (pacer, session, pipe) = Create();

        pacer.Remove(session);
        pacer.Tick();

        Assert.Empty(ReadFrames(pipe.Reader));
        Assert.Equal(0, pacer.SessionCount);
    }

    [Fact]
    public async Task Clock_WithTheWireSenderAndATraceFile_TracesTheSendersTicksWithItsOwnSchedulerCounters()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "The native wire sender runs on Linux only.");
        var ct = TestContext.Current.CancellationToken;
        var directory = Directory.CreateTempSubdirectory("voicebot-pacer-").FullName;
        try
        {
            var path = Path.Combine(directory, "trace.csv");
            await using (var host = await GatewayTestHost.StartAsync(o => o.PacerTraceFile = path, cancellationToken: ct))
            {
                var pacer = host.Services.GetRequiredService<OutboundPacer>();
                var client = await host.ConnectAsync(ct);
                await client.SendUuidAsync(Guid.NewGuid(), ct);
                client.StartAudioPump();
                for (var i = 0; i < 20; i++)
                {
                    await client.ReadFrameAsync(ct);
                }

                Assert.True(pacer.UsesWireSender);
                await client.DisposeAsync();
            }

            // The host has stopped: the trace is written. Its rows are the sender's ticks, each with the sender
            // thread's own counters read at the end of that tick (never the pacer's, read when it drained the log).
            var rows = File.ReadAllLines(path).Skip(1).Select(l => l.Split(',')).Where(r => r[3] != "0").ToList();
            Assert.True(rows.Count >= 20, $"{rows.Count} rows with a call traced");
            var run = rows.Select(r => long.Parse(r[12], CultureInfo.InvariantCulture)).ToList();
            Assert.All(run, r => Assert.True(r > 0));
            Assert.Equal(run.Order().ToList(), run);                    // a thread's time on a CPU only grows
            Assert.True(run.Distinct().Count() >= rows.Count / 2);     // read per tick, not once per drained batch
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Clock_OnTheSystemClockWithATraceFile_TracesEveryTickAndRunsRealTimeWhenPermitted()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = Directory.CreateTempSubdirectory("voicebot-pacer-").FullName;
        try
        {
            var path = Path.Combine(directory, "trace.csv");
            // The managed clock's own trace (the wire sender's has its own test).
            var options = Options.Create(new AudioSocketOptions { PacerRealtimePriority = 10, PacerTraceFile = path, WireSender = false });
            var pipe = new Pipe(new PipeOptions(pool: new TestMemoryPool(), useSynchronizationContext: false));
            var session = new CallSession(_callId, 8000, pipe.Writer, input: null, _control, NullLogger.Instance);
            var pacer = new OutboundPacer(TimeProvider.System, NullLogger<OutboundPacer>.Instance, options: options);
            pacer.Add(session);

            // Ten frames out on the real clock, then stop it: the trace is written by the time Dispose returns.
            long bytes = 0;
            while (bytes < 10 * (3 + 320))
            {
                var read = await pipe.Reader.ReadAsync(ct);
                bytes += read.Buffer.Length;
                pipe.Reader.AdvanceTo(read.Buffer.End);
            }

            pacer.Remove(session);
            pacer.Dispose();

            var rows = File.ReadAllLines(path).Skip(1).Select(l => l.Split(',')).ToList();
            Assert.True(rows.Count(r => r[3] == "1") >= 10, $"{rows.Count} rows traced");
            Assert.All(rows, r => Assert.True(long.Parse(r[1], CultureInfo.InvariantCulture) >= long.Parse(r[0], CultureInfo.InvariantCulture) - TimeProvider.System.TimestampFrequency / 1000));
            var permitted = RealtimeSchedulingTests.RunOnNewThread(() => RealtimeScheduling.TryEnterFifo(10).Applied);
            Assert.Equal(permitted, pacer.IsRealtime);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Clock_WithTheWireSender_StaysNormallyScheduledAndOnlyTheSenderIsRealTime()
    {
        // A managed thread under SCHED_FIFO can spin in the runtime's own waits (a GC suspension it triggered) where only
        // normal threads can release it: in CI the kernel throttled real-time tasks and every process stalled 2 s.
        var options = Options.Create(new AudioSocketOptions { PacerRealtimePriority = 10, WireSender = true });
        var pipe = new Pipe(new PipeOptions(useSynchronizationContext: false));
        var session = new CallSession(_callId, 8000, pipe.Writer, input: null, _control, NullLogger.Instance);
        var pacer = new OutboundPacer(TimeProvider.System, NullLogger<OutboundPacer>.Instance, options: options);
        try
        {
            pacer.Add(session);
            await Waits.UntilAsync(() => pacer.RealtimeDetail is not null, TestContext.Current.CancellationToken);

            Assert.True(pacer.UsesWireSender, "the wire sender is built with the gateway on Linux");
            var permitted = RealtimeSchedulingTests.RunOnNewThread(() => RealtimeScheduling.TryEnterFifo(10).Applied);
            Assert.Equal(permitted ? "SCHED_FIFO priority 10" : pacer.WireRealtimeDetail, pacer.WireRealtimeDetail);
            Assert.Equal("normal scheduling: the native wire sender (real-time) writes the frames", pacer.RealtimeDetail);
            Assert.False(pacer.IsRealtime);
        }
        finally
        {
            pacer.Remove(session);
            pacer.Dispose();
        }
    }

    private void AdvanceFrameByFrame(TimeSpan total)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < total; elapsed += AudioSocketKinds.FrameDuration)
        {
            _time.Advance(AudioSocketKinds.FrameDuration);
        }
    }

    private (OutboundPacer Pacer, CallSession Session, Pipe Pipe) Create(int sampleRate = 8000, Pipe? pipe = null, BargeInOptions? bargeIn = null)
    {
        pipe ??= new Pipe(new PipeOptions(pool: new TestMemoryPool(), useSynchronizationContext: false));
        var session = new CallSession(_callId, sampleRate, pipe.Writer, input: null, _control, NullLogger.Instance, bargeIn: bargeIn);
        var pacer = new OutboundPacer(_time, NullLogger<OutboundPacer>.Instance);
        pacer.Add(session);
        return (pacer, session, pipe);
    }

    private (CallSession Session, Pipe Pipe) Paced(OutboundPacer pacer, int sampleRate, CallRecordingWriter? recordings, bool admitted = true)
    {
        var pipe = new Pipe(new PipeOptions(pool: new TestMemoryPool(), useSynchronizationContext: false));
        var control = admitted ? _control : null;
        var session = new CallSession(Guid.NewGuid(), sampleRate, pipe.Writer, input: null, control, NullLogger.Instance, bargeIn: new BargeInOptions(), time: _time)
        {
            Recorder = recordings?.Start(Guid.NewGuid(), sampleRate),
        };
        pacer.Add(session);
        return (session, pipe);
    }

    /// <summary>Reads everything written so far; returns the byte count. Allocation-free once the pipes' segments are pooled.</summary>
    private static long DrainPipes((CallSession Session, Pipe Pipe)[] calls)
    {
        var bytes = 0L;
        foreach (var (_, pipe) in calls)
        {
            if (pipe.Reader.TryRead(out var result))
            {
                bytes += result.Buffer.Length;
                pipe.Reader.AdvanceTo(result.Buffer.End);
            }
        }

        return bytes;
    }

    private static MeterListener ListenToGatewayMetrics()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == GatewayMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>(static (_, _, _, _) => { });
        listener.SetMeasurementEventCallback<long>(static (_, _, _, _) => { });
        listener.Start();
        return listener;
    }

    private static void DrainPipe(PipeReader reader)
    {
        if (reader.TryRead(out var result))
        {
            reader.AdvanceTo(result.Buffer.End);
        }
    }

    private static List<ReceivedFrame> ReadFrames(PipeReader reader)
    {
        var frames = new List<ReceivedFrame>();
        if (!reader.TryRead(out var result))
        {
            return frames;
        }

        var buffer = result.Buffer;
        while (AudioSocketFrameReader.TryRead(ref buffer, ushort.MaxValue, out var frame))
        {
            frames.Add(new ReceivedFrame(frame.Kind, frame.Payload.ToArray(), 0));
        }

        reader.AdvanceTo(buffer.Start, buffer.End);
        return frames;
    }
}
