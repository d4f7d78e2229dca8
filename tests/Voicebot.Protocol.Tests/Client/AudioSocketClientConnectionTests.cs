using Microsoft.Extensions.Time.Testing;
using Voicebot.Protocol.Client;
using Voicebot.Protocol.Tests.Support;

namespace Voicebot.Protocol.Tests.Client;

public sealed class AudioSocketClientConnectionTests
{
    private static readonly TimeSpan Tick = AudioSocketKinds.FrameDuration;

    [Fact]
    public async Task SendUuidAndSilenceAsync_Slin16_SendsTheUuidThenOneSilentFrameOfTheKind()
    {
        var ct = TestContext.Current.CancellationToken;
        var callId = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        await using var server = LoopbackAudioSocketServer.Start();
        using var connection = await ConnectAsync(server, ct);

        await connection.SendUuidAndSilenceAsync(callId, AudioSocketKind.AudioSlin16, ct);
        var uuid = await server.ReadFrameAsync(ct);
        var silence = await server.ReadFrameAsync(ct);

        Assert.Equal(AudioSocketKind.Uuid, uuid.Kind);
        Assert.Equal(Convert.FromHexString("00112233445566778899AABBCCDDEEFF"), uuid.Payload);
        Assert.Equal(AudioSocketKind.AudioSlin16, silence.Kind);
        Assert.Equal(640, silence.Payload.Length);
        Assert.All(silence.Payload, b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task SendUuidAsync_SendsTheUuidAlone()
    {
        var ct = TestContext.Current.CancellationToken;
        var callId = Guid.NewGuid();
        await using var server = LoopbackAudioSocketServer.Start();
        var connection = await ConnectAsync(server, ct);

        await connection.SendUuidAsync(callId, ct);
        connection.Close();
        var uuid = await server.ReadFrameAsync(ct);
        var rest = await server.ReadToEndAsync(ct);

        Assert.Equal(AudioSocketKind.Uuid, uuid.Kind);
        Assert.Equal(callId, new Guid(uuid.Payload, bigEndian: true));
        Assert.Equal(0, rest);
    }

    [Fact]
    public async Task RunPacedSendLoopAsync_OneTickPerFrameDuration_SendsEachTicksFrameInOrderAndStopsAtHangUp()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider();
        await using var server = LoopbackAudioSocketServer.Start();
        using var connection = await ConnectAsync(server, ct, time);
        var source = new ScriptedOutboundSource(
            AudioSocketOutboundFrame.Audio,
            AudioSocketOutboundFrame.Silence,
            AudioSocketOutboundFrame.Dtmf('5'),
            AudioSocketOutboundFrame.Withhold,
            AudioSocketOutboundFrame.Audio,
            AudioSocketOutboundFrame.HangUp);

        // Not on the pool: the loop reads its clock's origin before the first Advance.
        var loop = connection.RunPacedSendLoopAsync(AudioSocketKind.Audio, source, ct);
        var ticks = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            time.Advance(Tick);
            await source.WaitForTickAsync(ct);
            ticks.Add(source.Calls);
        }

        await loop.WaitAsync(ct);
        var first = await server.ReadFrameAsync(ct);
        var silence = await server.ReadFrameAsync(ct);
        var dtmf = await server.ReadFrameAsync(ct);
        var fifth = await server.ReadFrameAsync(ct);
        connection.Close();
        var rest = await server.ReadToEndAsync(ct);

        Assert.Equal([1, 2, 3, 4, 5, 6], ticks);
        Assert.Equal((AudioSocketKind.Audio, 320), (first.Kind, first.Payload.Length));
        Assert.All(first.Payload, b => Assert.Equal(1, b));
        Assert.Equal((AudioSocketKind.Audio, 320), (silence.Kind, silence.Payload.Length));
        Assert.All(silence.Payload, b => Assert.Equal(0, b));
        Assert.Equal(AudioSocketKind.Dtmf, dtmf.Kind);
        Assert.Equal([(byte)'5'], dtmf.Payload);
        Assert.All(fifth.Payload, b => Assert.Equal(5, b));
        Assert.Equal(0, rest);
        Assert.Equal(0, connection.ScheduleResets);
    }

    [Fact]
    public async Task RunPacedSendLoopAsync_LateByFewerThanMaxLagFrames_SendsTheMissedFramesAtOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider();
        await using var server = LoopbackAudioSocketServer.Start();
        using var connection = await ConnectAsync(server, ct, time);
        var source = new ScriptedOutboundSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loop = connection.RunPacedSendLoopAsync(AudioSocketKind.Audio, source, stop.Token);

        time.Advance(Tick);
        await source.WaitForTickAsync(ct);
        time.Advance(Tick * 4);
        for (var i = 0; i < 4; i++)
        {
            await source.WaitForTickAsync(ct);
        }

        var calls = source.Calls;
        await stop.CancelAsync();
        await loop.WaitAsync(ct);

        Assert.Equal(5, calls);
        Assert.Equal(0, connection.ScheduleResets);
    }

    [Fact]
    public async Task RunPacedSendLoopAsync_LateByMoreThanMaxLagFrames_RestartsItsScheduleInsteadOfBursting()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider();
        await using var server = LoopbackAudioSocketServer.Start();
        using var connection = await ConnectAsync(server, ct, time);
        var source = new ScriptedOutboundSource(
            AudioSocketOutboundFrame.Audio, AudioSocketOutboundFrame.Audio, AudioSocketOutboundFrame.Audio, AudioSocketOutboundFrame.HangUp);
        var loop = connection.RunPacedSendLoopAsync(AudioSocketKind.Audio, source, ct);

        time.Advance(Tick);
        await source.WaitForTickAsync(ct);
        time.Advance(Tick * (AudioSocketClientConnection.MaxLagFrames + 5));

        // The frame the loop was waiting for, then the next one as the lag is seen and the schedule restarts.
        await source.WaitForTickAsync(ct);
        await source.WaitForTickAsync(ct);
        var callsWhenLate = source.Calls;
        var resetsWhenLate = connection.ScheduleResets;
        time.Advance(Tick);
        await source.WaitForTickAsync(ct);
        await loop.WaitAsync(ct);

        Assert.Equal(3, callsWhenLate);
        Assert.Equal(1, resetsWhenLate);
        Assert.Equal(4, source.Calls);
    }

    [Fact]
    public async Task RunReceiveLoopAsync_AudioErrorAndHangupInOneWrite_HandsEachOverInOrderAndStopsWhenTheReceiverSays()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider();
        await using var server = LoopbackAudioSocketServer.Start();
        using var connection = await ConnectAsync(server, ct, time);
        var receiver = new RecordingInboundReceiver(stopAtHangup: true);

        await server.WriteAsync(
            Wire.Concat(
                Wire.Frame(AudioSocketKind.Audio, 1, 2, 3, 4),
                Wire.Frame(AudioSocketKind.AudioSlin16, 5, 6),
                Wire.Frame(AudioSocketKind.Error, 0x42),
                Wire.Frame(AudioSocketKind.Hangup),
                Wire.Frame(AudioSocketKind.Audio, 7, 8)),
            ct);
        var result = await connection.RunReceiveLoopAsync(receiver, cancellationToken: ct);

        Assert.Equal(AudioSocketReceiveEnd.StoppedByReceiver, result.End);
        Assert.Null(result.Error);
        Assert.Collection(
            receiver.Messages,
            m => Assert.Equal("Audio 01020304", Describe(m)),
            m => Assert.Equal("AudioSlin16 0506", Describe(m)),
            m => Assert.Equal("Error 42", Describe(m)),
            m => Assert.Equal("Hangup ", Describe(m)));
        Assert.All(receiver.Messages, m => Assert.Equal(time.GetTimestamp(), m.ReceivedAt));
    }

    [Fact]
    public async Task RunReceiveLoopAsync_ServerCloses_ReturnsServerClosedAfterTheLastMessage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = LoopbackAudioSocketServer.Start();
        using var connection = await ConnectAsync(server, ct);
        var receiver = new RecordingInboundReceiver(stopAtHangup: false);

        await server.WriteAsync(Wire.Concat(Wire.Frame(AudioSocketKind.Hangup), Wire.Frame(AudioSocketKind.Audio, 1, 2)), ct);
        server.CloseClient();
        var result = await connection.RunReceiveLoopAsync(receiver, cancellationToken: ct);

        Assert.Equal(AudioSocketReceiveEnd.ServerClosed, result.End);
        Assert.Equal([AudioSocketKind.Hangup, AudioSocketKind.Audio], receiver.Messages.Select(m => m.Kind));
    }

    [Fact]
    public async Task RunReceiveLoopAsync_UndefinedKind_ReturnsProtocolViolation()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = LoopbackAudioSocketServer.Start();
        using var connection = await ConnectAsync(server, ct);
        var receiver = new RecordingInboundReceiver();

        await server.WriteAsync(Wire.Concat(Wire.Frame(AudioSocketKind.Audio, 1, 2), Wire.Frame(0x42, 0)), ct);
        var result = await connection.RunReceiveLoopAsync(receiver, cancellationToken: ct);

        Assert.Equal(AudioSocketReceiveEnd.ProtocolViolation, result.End);
        Assert.Equal(AudioSocketViolation.UnknownKind, Assert.IsType<AudioSocketProtocolException>(result.Error).Violation);
        Assert.Single(receiver.Messages);
    }

    [Fact]
    public async Task RunReceiveLoopAsync_PayloadOverTheLimit_ReturnsProtocolViolationFromTheHeaderAlone()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = LoopbackAudioSocketServer.Start();
        using var connection = await ConnectAsync(server, ct);

        await server.WriteAsync([0x10, 0x01, 0x41], ct);   // declares 321 bytes, sends none of them
        var result = await connection.RunReceiveLoopAsync(new RecordingInboundReceiver(), maxPayloadBytes: 320, ct);

        Assert.Equal(AudioSocketReceiveEnd.ProtocolViolation, result.End);
        Assert.Equal(AudioSocketViolation.PayloadTooLarge, Assert.IsType<AudioSocketProtocolException>(result.Error).Violation);
    }

    [Fact]
    public async Task RunReceiveLoopAsync_ClosedOnThisSide_ReturnsCancelled()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = LoopbackAudioSocketServer.Start();
        var connection = await ConnectAsync(server, ct);
        var receiver = new RecordingInboundReceiver();

        await server.WriteAsync(Wire.Frame(AudioSocketKind.Audio, 1, 2), ct);
        var loop = connection.RunReceiveLoopAsync(receiver, cancellationToken: ct);
        connection.Close();
        connection.Close();
        var result = await loop.WaitAsync(ct);

        Assert.Equal(AudioSocketReceiveEnd.Cancelled, result.End);
        Assert.True(connection.IsClosed);
    }

    [Fact]
    public async Task RunReceiveLoop_MessageSplitAcrossWritesOnADedicatedThread_ReassemblesItThenSeesTheServerClose()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = LoopbackAudioSocketServer.Start();
        using var connection = await ConnectAsync(server, ct);
        var receiver = new RecordingInboundReceiver(stopAtHangup: false);
        var frame = Wire.Frame(AudioSocketKind.Audio, Wire.Pattern(320));
        var loop = Task.Factory.StartNew(() => connection.RunReceiveLoop(receiver, maxPayloadBytes: 320), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        await server.WriteAsync(frame[..2], ct);
        await server.WriteAsync(frame[2..100], ct);
        await server.WriteAsync(frame[100..], ct);
        server.CloseClient();
        var result = await loop.WaitAsync(ct);

        Assert.Equal(AudioSocketReceiveEnd.ServerClosed, result.End);
        var message = Assert.Single(receiver.Messages);
        Assert.Equal(frame[3..], message.Payload);
    }

    [Fact]
    public async Task SendAsync_FromTwoSendersAtOnce_KeepsEveryMessageWhole()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = LoopbackAudioSocketServer.Start();
        using var connection = await ConnectAsync(server, ct);
        var ones = Wire.Frame(AudioSocketKind.Audio, Enumerable.Repeat((byte)1, 320).ToArray());
        var twos = Wire.Frame(AudioSocketKind.Audio, Enumerable.Repeat((byte)2, 320).ToArray());

        await Task.WhenAll(
            Task.Run(async () => { for (var i = 0; i < 50; i++) { await connection.SendAsync(ones, ct); } }, ct),
            Task.Run(() => { for (var i = 0; i < 50; i++) { connection.Send(twos); } }, ct));
        var frames = new List<byte[]>();
        for (var i = 0; i < 100; i++)
        {
            frames.Add((await server.ReadFrameAsync(ct)).Payload);
        }

        Assert.All(frames, f => Assert.True(f.All(b => b == 1) || f.All(b => b == 2)));
        Assert.Equal(50, frames.Count(f => f[0] == 1));
    }

    private static string Describe((AudioSocketKind Kind, byte[] Payload, long ReceivedAt) message) =>
        $"{message.Kind} {Convert.ToHexString(message.Payload)}";

    private static async Task<AudioSocketClientConnection> ConnectAsync(LoopbackAudioSocketServer server, CancellationToken ct, TimeProvider? time = null)
    {
        var accepting = server.AcceptAsync(ct);
        var connection = await AudioSocketClientConnection.ConnectAsync(server.EndPoint, time, ct);
        await accepting;
        return connection;
    }
}
