using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Voicebot.Bench.Floor;
using Voicebot.Protocol;

namespace Voicebot.Bench.Tests.Floor;

public sealed class FloorServerTests
{
    [Fact]
    public async Task Serve_ACallerSendingFrames_GetsWholeSilenceFramesBackAndStaysConnected()
    {
        var ct = TestContext.Current.CancellationToken;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var server = new FloorServer(port: 0);
        var serving = server.RunAsync(stop.Token);
        using var caller = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await caller.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port), ct);
        var uuid = new byte[3 + 16];
        AudioSocketFrameWriter.WriteHeader(uuid, AudioSocketKind.Uuid, 16);
        var audio = new byte[3 + 320];
        AudioSocketFrameWriter.WriteHeader(audio, AudioSocketKind.Audio, 320);
        await caller.SendAsync(uuid, ct);

        // Five frames back, each a whole 0x10 message of 320 zero bytes, while the caller keeps sending its own.
        var received = new byte[5 * (3 + 320)];
        var filled = 0;
        while (filled < received.Length)
        {
            await caller.SendAsync(audio, ct);
            filled += await caller.ReceiveAsync(received.AsMemory(filled), ct);
        }

        for (var offset = 0; offset < received.Length; offset += 3 + 320)
        {
            Assert.Equal((byte)AudioSocketKind.Audio, received[offset]);
            Assert.Equal(320, BinaryPrimitives.ReadUInt16BigEndian(received.AsSpan(offset + 1)));
            Assert.All(received.AsSpan(offset + 3, 320).ToArray(), b => Assert.Equal(0, b));
        }

        await stop.CancelAsync();
        await serving;
    }
}
