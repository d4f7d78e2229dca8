using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Voicebot.Gateway.Pacing;
using Voicebot.Protocol;
using Voicebot.Testing;

namespace Voicebot.Gateway.Tests.Pacing;

/// <summary>The native wire sender over real loopback sockets: what it writes, in what order, and what it does under a GC.</summary>
public sealed class WireSenderTests : IDisposable
{
    private const int FrameMessage = 3 + 320;

    private readonly Socket _server;
    private readonly Socket _client;
    private readonly WireSender _sender;

    public WireSenderTests()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "The native wire sender runs on Linux only.");
        _sender = WireSender.TryStart(realtimePriority: 10, out var reason)   // real-time where permitted: a loaded machine cannot delay it
                  ?? throw new InvalidOperationException($"The wire sender is built with the gateway on Linux: {reason}");
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        _client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _client.Connect(listener.LocalEndPoint!);
        _server = listener.Accept();
    }

    [Fact]
    public async Task Push_QueuedFramesGoOutInOrderThenSilenceThenTheHangupEndsTheSlot()
    {
        var ct = TestContext.Current.CancellationToken;
        var slot = Add();
        for (var i = 1; i <= 5; i++)
        {
            Assert.True(slot.TryPush(Frame((byte)i)));
        }

        Assert.True(slot.TryPush(AudioSocketFrameWriter.Hangup.Span));
        var frames = await ReadUntilHangupAsync(ct);

        // Whatever silence went out before the first push (the slot writes from the tick after it is added), then the
        // five frames back to back, then the hang-up.
        var audio = frames.SkipWhile(f => f.Payload.All(b => b == 0)).ToList();
        Assert.Equal([1, 2, 3, 4, 5], audio.Select(f => f.Payload[0]).ToArray());
        Assert.All(audio, f => Assert.Equal(AudioSocketKind.Audio, f.Kind));
        await Waits.UntilAsync(() => slot.ReadStats().HangupSent == 1, ct);
        var stats = slot.ReadStats();
        Assert.Equal(6ul, stats.AudioSent);
        Assert.Equal(0ul, stats.Queued);
        Assert.Equal(0, stats.Error);
        slot.Remove();
    }

    [Fact]
    public async Task Flush_DropsWhatWasNotWritten_NoQueuedAudioAfterTheSilence()
    {
        var ct = TestContext.Current.CancellationToken;
        var slot = Add();
        for (var i = 1; i <= 16; i++)
        {
            Assert.True(slot.TryPush(Frame((byte)i)));
        }

        var dropped = slot.Flush();
        Assert.True(slot.TryPush(AudioSocketFrameWriter.Hangup.Span));
        var frames = await ReadUntilHangupAsync(ct);

        var audio = frames.Where(f => f.Payload[0] != 0).Select(f => (int)f.Payload[0]).ToList();
        Assert.Equal(Enumerable.Range(1, audio.Count), audio);               // a prefix of what was queued, in order
        Assert.Equal(16, audio.Count + dropped);                             // each frame either went out or was dropped
        Assert.True(dropped > 0 || audio.Count == 16);
        Assert.Equal((ulong)audio.Count + 1, slot.ReadStats().AudioSent);  // plus the hang-up
        slot.Remove();
    }

    [Fact]
    public async Task PeerGone_TheSlotReportsTheErrorAndStopsWriting()
    {
        var ct = TestContext.Current.CancellationToken;
        var slot = Add();
        _client.Close();   // RST on the next write, then EPIPE

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await Waits.UntilAsync(() => slot.ReadStats().Error != 0, bounded.Token);
        }
        catch (OperationCanceledException)
        {
            var seen = slot.ReadStats();
            Assert.Fail($"no error after the peer left: silence {seen.SilenceSent}, blocked {seen.Blocked}, audio {seen.AudioSent}");
        }

        var stats = slot.ReadStats();
        var ticks = new WireTick[64];
        _ = _sender.ReadTicks(ticks);
        var ticksAfter = 0;
        await Waits.UntilAsync(() => (ticksAfter += _sender.ReadTicks(ticks)) > 2, ct);   // more ticks ran after the error
        Assert.Equal(stats.SilenceSent, slot.ReadStats().SilenceSent);
        slot.Remove();
    }

    [Fact]
    public async Task SlowPeer_WritesWaitForTheSocketAndEveryMessageArrivesWhole()
    {
        var ct = TestContext.Current.CancellationToken;
        _server.SendBufferSize = 4096;
        _client.ReceiveBufferSize = 2048;
        var slot = Add();

        // Nobody reads: the socket fills with silence until the sender finds it full (and may write a frame in part).
        await Waits.UntilAsync(() => slot.ReadStats().Blocked > 0, ct);
        for (var i = 1; i <= 3; i++)
        {
            Assert.True(slot.TryPush(Frame((byte)i)));
        }

        Assert.True(slot.TryPush(AudioSocketFrameWriter.Hangup.Span));
        var frames = await ReadUntilHangupAsync(ct);

        Assert.All(frames, f => Assert.Equal(320, f.Payload.Length));
        Assert.Equal([1, 2, 3], frames.Where(f => f.Payload[0] != 0).Select(f => (int)f.Payload[0]).ToArray());
        slot.Remove();
    }

    [Fact]
    public async Task RuntimeSuspended_TheSenderKeepsTicking()
    {
        var ct = TestContext.Current.CancellationToken;
        var slot = Add();
        var ticks = new WireTick[1024];
        _ = _sender.ReadTicks(ticks);

        // A blocking, compacting full collection of a large heap suspends every managed thread for a long while. The
        // sender is not a managed thread: its ticks go on inside the pause.
        var (pause, window) = SuspendRuntime(minimumPause: TimeSpan.FromMilliseconds(200));
        await Waits.UntilAsync(() => slot.ReadStats().SilenceSent > 0, ct);
        var count = _sender.ReadTicks(ticks);
        var during = ticks.Take(count).Count(t => WireSender.FromMonotonicNanoseconds(t.Started) > window.Start && WireSender.FromMonotonicNanoseconds(t.Started) < window.End);

        var windowTicks = (int)(Stopwatch.GetElapsedTime(window.Start, window.End) / AudioSocketKinds.FrameDuration);
        TestContext.Current.SendDiagnosticMessage($"GC pause {pause.TotalMilliseconds:0} ms in a {windowTicks * 20} ms window; sender ticks inside it: {during}.");

        // A suspended thread would have ticked only outside the pause: under a tenth of the window plus the edges.
        Assert.True(pause >= TimeSpan.FromMilliseconds(200), $"the collection paused the runtime {pause.TotalMilliseconds:0} ms");
        Assert.True(during >= windowTicks / 2, $"{during} ticks of {windowTicks} ran during the suspension");
        slot.Remove();
    }

    [Fact]
    public void Start_TheTickLogIsResidentBeforeTheFirstTicksWriteIt()
    {
        // Written for the first time by the real-time thread, a page faults, and the fault may wait ~100 ms for the
        // memory-map lock that a preempted GC thread holds: every page is made resident at start instead.
        using var sender = WireSender.TryStart(realtimePriority: 0, out var reason) ?? throw new InvalidOperationException(reason);

        Assert.Equal(0, sender.PagesNotResident);
    }

    [Fact]
    public void Dispose_WithASlotStillLive_StopsOnlyOnceTheSlotIsRemoved()
    {
        var slot = Add();
        _sender.Dispose();   // a host disposed while a connection is still closing

        Assert.True(slot.TryPush(Frame(1)));   // its owner may still use the slot
        Assert.Equal(0, slot.ReadStats().Error);
        _ = _sender.ReadTicks(new WireTick[1]);
        slot.Remove();   // the last one: the sender stops now
        Assert.Throws<ObjectDisposedException>(() => _sender.ReadTicks(new WireTick[1]));
    }

    public void Dispose()
    {
        _client?.Dispose();
        _server?.Dispose();
        _sender?.Dispose();
    }

    private static (TimeSpan Pause, (long Start, long End) Window) SuspendRuntime(TimeSpan minimumPause)
    {
        var size = 2_000_000;
        for (var attempt = 0; ; attempt++)
        {
            var heap = new object[size];
            for (var i = 0; i < heap.Length; i++)
            {
                heap[i] = new byte[24];
            }

            for (var i = 0; i < heap.Length; i += 2)
            {
                heap[i] = null!;   // holes for the compaction to close
            }

            var pauseBefore = GC.GetTotalPauseDuration();
            var start = Stopwatch.GetTimestamp();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            var end = Stopwatch.GetTimestamp();
            var pause = GC.GetTotalPauseDuration() - pauseBefore;
            GC.KeepAlive(heap);
            if (pause >= minimumPause || attempt == 4)
            {
                return (pause, (start, end));
            }

            size *= 2;
        }
    }

    private WireSlot Add()
    {
        var silence = Frame(0);
        return _sender.TryAdd(_server, 32, FrameMessage, silence, out var error)
               ?? throw new InvalidOperationException($"vbw_add failed with errno {error}");
    }

    private static byte[] Frame(byte marker)
    {
        var frame = new byte[FrameMessage];
        AudioSocketFrameWriter.WriteHeader(frame, AudioSocketKind.Audio, 320);
        frame.AsSpan(3).Fill(marker);
        return frame;
    }

    /// <summary>Reads whole AudioSocket messages until the hang-up (00 00 00); returns the audio frames before it.</summary>
    private async Task<List<(AudioSocketKind Kind, byte[] Payload)>> ReadUntilHangupAsync(CancellationToken ct)
    {
        using var stream = new NetworkStream(_client, ownsSocket: false);
        var frames = new List<(AudioSocketKind, byte[])>();
        var header = new byte[3];
        while (true)
        {
            await stream.ReadExactlyAsync(header, ct);
            var length = (header[1] << 8) | header[2];
            var payload = new byte[length];
            await stream.ReadExactlyAsync(payload, ct);
            if (header[0] == 0)
            {
                return frames;
            }

            frames.Add(((AudioSocketKind)header[0], payload));
        }
    }
}
