using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Voicebot.Abstractions.Calls;
using Voicebot.Gateway.Drain;
using Voicebot.Protocol;
using Voicebot.Testing.Gateway;

namespace Voicebot.Gateway.Tests.Drain;

public sealed class AudioSocketListenerFactoryTests
{
    [Fact]
    public void The_AudioSocket_listener_keeps_the_host_s_socket_settings_and_takes_its_own_scheduling()
    {
        var host = new SocketTransportOptions { IOQueueCount = 3, NoDelay = false, Backlog = 77, MaxReadBufferSize = 1234, WaitForDataBeforeAllocatingBuffer = false };

        var inline = AudioSocketListenerFactory.ForAudioSocket(host, new AudioSocketOptions { InlineSocketScheduling = true });
        var queued = AudioSocketListenerFactory.ForAudioSocket(host, new AudioSocketOptions { InlineSocketScheduling = false });

        Assert.True(inline.UnsafePreferInlineScheduling);
        Assert.False(queued.UnsafePreferInlineScheduling);
        Assert.Equal((3, false, 77, 1234L, false), (inline.IOQueueCount, inline.NoDelay, inline.Backlog, inline.MaxReadBufferSize, inline.WaitForDataBeforeAllocatingBuffer));
        Assert.False(host.UnsafePreferInlineScheduling);   // HTTP keeps the host's settings
    }

    [Fact]
    public async Task With_queued_scheduling_a_call_starts_hears_its_caller_and_plays_paced_audio()
    {
        // Inline is the default, which every other gateway test runs on; this keeps the queued path working.
        var ct = TestContext.Current.CancellationToken;
        await using var host = await GatewayTestHost.StartAsync(o => o.InlineSocketScheduling = false, cancellationToken: ct);
        await using var caller = await host.ConnectAsync(ct);
        var callId = Guid.NewGuid();

        await caller.SendUuidAsync(callId, ct);
        await caller.SendAudioAsync(TestAudio.Pattern(320), cancellationToken: ct);
        var call = host.Control.Call(callId);
        await call.Started.Task.WaitAsync(ct);
        await call.Media!.PlayAsync(new PlaybackItem(1, "greeting", TestAudio.Pattern(320 * 3), 8000));

        var heard = new List<byte[]>();
        while (heard.Count < 3)
        {
            var frame = await caller.ReadFrameAsync(ct);
            Assert.Equal(AudioSocketKind.Audio, frame?.Kind);
            if (frame!.Payload.Any(sample => sample != 0))
            {
                heard.Add(frame.Payload);
            }
        }

        Assert.Equal(TestAudio.Pattern(320 * 3), heard.SelectMany(payload => payload).ToArray());
        var inbound = await call.Inbound.Reader.ReadAsync(ct);
        Assert.Equal(TestAudio.Pattern(320), inbound.Audio);
    }
}
