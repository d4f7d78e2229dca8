using System.Net;
using System.Net.Sockets;
using Voicebot.Cli.Calling;
using Voicebot.Cli.Tests.Support;

namespace Voicebot.Cli.Tests.Calling;

public sealed class SimulatedCallerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConnectAsync_GivenCallId_SendsUuidMessageFirstInRfcByteOrder()
    {
        await using var server = FakeAudioSocketServer.Start();
        var callId = Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        var accept = server.AcceptAsync(Token);

        await using var caller = await SimulatedCaller.ConnectAsync("127.0.0.1", server.Port, new SimulatedCallerOptions { CallId = callId }, Token);
        await using var connection = await accept;
        await connection.WaitUntilAsync(frames => frames.Count >= 2, TimeSpan.FromSeconds(5), Token);

        byte[] expected = [0x01, 0x00, 0x10, 0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78, 0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0];
        Assert.Equal(expected, connection.RawBytes[..19]);
        Assert.Equal(callId, caller.CallId);
        Assert.Equal(0x10, connection.Frames[1].Kind);
    }

    [Fact]
    public async Task ConnectAsync_NoCallId_SendsANewUuid()
    {
        await using var server = FakeAudioSocketServer.Start();
        var accept = server.AcceptAsync(Token);

        await using var caller = await SimulatedCaller.ConnectAsync("127.0.0.1", server.Port, cancellationToken: Token);
        await using var connection = await accept;
        await connection.WaitUntilAsync(frames => frames.Count >= 1, TimeSpan.FromSeconds(5), Token);

        Assert.NotEqual(Guid.Empty, caller.CallId);
        Assert.Equal(caller.CallId, new Guid(connection.Frames[0].Payload, bigEndian: true));
    }

    [Theory]
    [InlineData(8000, 0x10, 320)]
    [InlineData(16000, 0x12, 640)]
    public async Task SendLoop_OverMoreThanOneSecond_SendsAboutFiftySilentFramesPerSecond(int sampleRate, byte kind, int frameBytes)
    {
        await using var server = FakeAudioSocketServer.Start();
        var accept = server.AcceptAsync(Token);
        await using var caller = await SimulatedCaller.ConnectAsync("127.0.0.1", server.Port, new SimulatedCallerOptions { SampleRate = sampleRate }, Token);
        await using var connection = await accept;

        await connection.WaitUntilAsync(frames => frames.Count > 1 && frames[^1].At - frames[1].At >= TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10), Token);

        var audio = connection.Frames.Skip(1).ToList();
        Assert.All(audio, frame =>
        {
            Assert.Equal(kind, frame.Kind);
            Assert.Equal(frameBytes, frame.Payload.Length);
            Assert.True(frame.IsSilent);
        });
        var span = (audio[^1].At - audio[0].At).TotalSeconds;
        var rate = (audio.Count - 1) / span;
        Assert.InRange(rate, 40, 60);   // loose: pacing, not a wall-clock benchmark
    }

    [Fact]
    public async Task SendDtmfAsync_Digits_SendsOneDtmfMessagePerDigitInOrderAmidAudio()
    {
        await using var server = FakeAudioSocketServer.Start();
        var accept = server.AcceptAsync(Token);
        await using var caller = await SimulatedCaller.ConnectAsync("127.0.0.1", server.Port, cancellationToken: Token);
        await using var connection = await accept;

        await caller.SendSilenceAsync(TimeSpan.FromMilliseconds(100), Token);
        await caller.SendDtmfAsync("0612345678#*", Token);
        await caller.SendSilenceAsync(TimeSpan.FromMilliseconds(100), Token);

        var frames = connection.Frames;
        var dtmf = frames.Where(f => f.Kind == 0x03).ToList();
        Assert.All(dtmf, f => Assert.Single(f.Payload));
        Assert.Equal("0612345678#*"u8.ToArray(), dtmf.Select(f => f.Payload[0]).ToArray());
        Assert.Equal(12, caller.DtmfSent);
        var firstDtmf = frames.FindIndex(f => f.Kind == 0x03);
        Assert.Contains(frames.Take(firstDtmf), f => f.Kind == 0x10);
        Assert.Contains(frames.Skip(firstDtmf), f => f.Kind == 0x10);
    }

    [Fact]
    public async Task SendDtmfAsync_NotADigit_Throws()
    {
        await using var server = FakeAudioSocketServer.Start();
        var accept = server.AcceptAsync(Token);
        await using var caller = await SimulatedCaller.ConnectAsync("127.0.0.1", server.Port, cancellationToken: Token);
        await using var connection = await accept;

        await Assert.ThrowsAsync<ArgumentException>(() => caller.SendDtmfAsync("12x", Token));
    }

    [Fact]
    public async Task SayAsync_Speech_SendsItExactlyInFramesPaddedWithZeros()
    {
        await using var server = FakeAudioSocketServer.Start();
        var accept = server.AcceptAsync(Token);
        await using var caller = await SimulatedCaller.ConnectAsync("127.0.0.1", server.Port, cancellationToken: Token);
        await using var connection = await accept;
        var speech = Tone.Noise((10 * 320) + 100, seed: 7);

        await caller.SayAsync(speech, Token);
        await caller.HangUpAsync();
        await connection.Closed.WaitAsync(TimeSpan.FromSeconds(5), Token);

        var sent = connection.Frames.Where(f => f.Kind == 0x10).SelectMany(f => f.Payload).ToArray();
        var expected = new byte[11 * 320];
        speech.CopyTo(expected, 0);
        Assert.True(sent.AsSpan().IndexOf(expected) >= 0, "The speech frames are not in the stream, exactly and in order.");
    }

    [Fact]
    public async Task SayAndHangUpAsync_MidSentence_ServerSeesEofWhileSpeechFramesFlow()
    {
        await using var server = FakeAudioSocketServer.Start();
        var accept = server.AcceptAsync(Token);
        await using var caller = await SimulatedCaller.ConnectAsync("127.0.0.1", server.Port, cancellationToken: Token);
        await using var connection = await accept;
        var twoSeconds = Tone.Pcm(2, 8000, 440, 8000);

        await caller.SayAndHangUpAsync(twoSeconds, TimeSpan.FromSeconds(0.4), Token);
        var cleanEof = await connection.Closed.WaitAsync(TimeSpan.FromSeconds(5), Token);

        Assert.True(cleanEof);
        Assert.Equal(CallEndReason.CallerHungUp, caller.EndReason);
        var audio = connection.Frames.Where(f => f.IsAudio).ToList();
        Assert.False(audio[^1].IsSilent);                   // the last frame before EOF was speech
        Assert.Equal(20, audio.Count(f => !f.IsSilent));    // 0.4 s of the 2 s line, then the socket closed
    }

    [Fact]
    public async Task HangUpAsync_Called_ClosesTheSocketWithoutSendingAHangupMessage()
    {
        await using var server = FakeAudioSocketServer.Start();
        var accept = server.AcceptAsync(Token);
        var caller = await SimulatedCaller.ConnectAsync("127.0.0.1", server.Port, cancellationToken: Token);
        await using var connection = await accept;

        await caller.SendSilenceAsync(TimeSpan.FromMilliseconds(60), Token);
        await caller.HangUpAsync();
        await connection.Closed.WaitAsync(TimeSpan.FromSeconds(5), Token);
        await caller.DisposeAsync();

        Assert.DoesNotContain(connection.Frames, f => f.Kind == 0x00);
        Assert.Equal(CallEndReason.CallerHungUp, await caller.Completion);
    }

    [Fact]
    public async Task ReceiveLoop_BotAudioThenHangup_RecordsTheAudioExactlyAndDetectsTheHangup()
    {
        await using var server = FakeAudioSocketServer.Start();
        var accept = server.AcceptAsync(Token);
        await using var caller = await SimulatedCaller.ConnectAsync("127.0.0.1", server.Port, cancellationToken: Token);
        await using var connection = await accept;
        var botAudio = Tone.Noise(25 * 320, seed: 3);

        for (var i = 0; i < 25; i++)
        {
            await connection.SendAsync(FakeAudioSocketConnection.Frame(0x10, botAudio.AsSpan(i * 320, 320)), Token);
        }

        await connection.SendAsync(FakeAudioSocketConnection.Frame(0x10, botAudio.AsSpan(0, 112)), Token);   // a short last frame is fine
        await connection.SendAsync([0x00, 0x00, 0x00], Token);
        var reason = await caller.WaitForHangupAsync(TimeSpan.FromSeconds(5), Token);

        Assert.Equal(CallEndReason.BotHungUp, reason);
        Assert.Equal([.. botAudio, .. botAudio.AsSpan(0, 112)], caller.GetReceivedAudio());
        var frames = caller.GetReceivedFrames();
        Assert.Equal(26, frames.Count);
        Assert.True(frames.Zip(frames.Skip(1)).All(pair => pair.First.ArrivedAt <= pair.Second.ArrivedAt));
        Assert.Empty(caller.ProtocolViolations);
    }

    [Fact]
    public async Task ReceiveLoop_BotClosesTheSocket_EndsWithConnectionClosed()
    {
        await using var server = FakeAudioSocketServer.Start();
        var accept = server.AcceptAsync(Token);
        await using var caller = await SimulatedCaller.ConnectAsync("127.0.0.1", server.Port, cancellationToken: Token);
        await using var connection = await accept;

        connection.Close();
        var reason = await caller.WaitForHangupAsync(TimeSpan.FromSeconds(5), Token);

        Assert.Equal(CallEndReason.ConnectionClosed, reason);
    }

    [Fact]
    public async Task ReceiveLoop_BotSendsDtmf_FlagsAProtocolViolationAndDropsTheCall()
    {
        await using var server = FakeAudioSocketServer.Start();
        var accept = server.AcceptAsync(Token);
        await using var caller = await SimulatedCaller.ConnectAsync("127.0.0.1", server.Port, cancellationToken: Token);
        await using var connection = await accept;

        await connection.SendAsync(FakeAudioSocketConnection.Frame(0x03, "1"u8), Token);
        var reason = await caller.WaitForHangupAsync(TimeSpan.FromSeconds(5), Token);

        Assert.Equal(CallEndReason.ProtocolViolation, reason);
        var violation = Assert.Single(caller.ProtocolViolations);
        Assert.Contains("0x03", violation, StringComparison.Ordinal);
        await connection.Closed.WaitAsync(TimeSpan.FromSeconds(5), Token);   // the caller dropped the call, as Asterisk would
    }

    [Fact]
    public async Task ReceiveLoop_ViolationWithHangUpDisabled_RecordsItAndKeepsTheCall()
    {
        await using var server = FakeAudioSocketServer.Start();
        var accept = server.AcceptAsync(Token);
        await using var caller = await SimulatedCaller.ConnectAsync(
            "127.0.0.1", server.Port, new SimulatedCallerOptions { HangUpOnProtocolViolation = false }, Token);
        await using var connection = await accept;

        await connection.SendAsync(FakeAudioSocketConnection.Frame(0x01, new byte[16]), Token);
        await connection.SendAsync(FakeAudioSocketConnection.Frame(0x10, new byte[320]), Token);
        await connection.SendAsync([0x00, 0x00, 0x00], Token);
        var reason = await caller.WaitForHangupAsync(TimeSpan.FromSeconds(5), Token);

        Assert.Equal(CallEndReason.BotHungUp, reason);
        Assert.Single(caller.ProtocolViolations);
        Assert.Single(caller.GetReceivedFrames());
    }

    [Fact]
    public async Task ReceiveLoop_UnknownKind_FlagsAProtocolViolation()
    {
        await using var server = FakeAudioSocketServer.Start();
        var accept = server.AcceptAsync(Token);
        await using var caller = await SimulatedCaller.ConnectAsync("127.0.0.1", server.Port, cancellationToken: Token);
        await using var connection = await accept;

        await connection.SendAsync(FakeAudioSocketConnection.Frame(0x02, new byte[4]), Token);
        var reason = await caller.WaitForHangupAsync(TimeSpan.FromSeconds(5), Token);

        Assert.Equal(CallEndReason.ProtocolViolation, reason);
        Assert.Single(caller.ProtocolViolations);
    }

    [Fact]
    public async Task WaitForPromptAsync_BotSpeaksThenGoesSilent_Returns()
    {
        await using var server = FakeAudioSocketServer.Start();
        var accept = server.AcceptAsync(Token);
        await using var caller = await SimulatedCaller.ConnectAsync(
            "127.0.0.1", server.Port, new SimulatedCallerOptions { BotSilenceToFinish = TimeSpan.FromMilliseconds(200) }, Token);
        await using var connection = await accept;
        var wait = caller.WaitForPromptAsync(TimeSpan.FromSeconds(10), cancellationToken: Token);

        foreach (var chunk in Tone.Pcm(0.2, 8000, 440, 8000).Chunk(320))
        {
            await connection.SendAsync(FakeAudioSocketConnection.Frame(0x10, chunk), Token);
        }

        await wait;

        Assert.Equal(10, caller.GetReceivedFrames().Count);
    }

    [Fact]
    public async Task WaitForPromptAsync_BotOnlySendsSilence_TimesOut()
    {
        await using var server = FakeAudioSocketServer.Start();
        var accept = server.AcceptAsync(Token);
        await using var caller = await SimulatedCaller.ConnectAsync("127.0.0.1", server.Port, cancellationToken: Token);
        await using var connection = await accept;

        for (var i = 0; i < 10; i++)
        {
            await connection.SendAsync(FakeAudioSocketConnection.Frame(0x10, new byte[320]), Token);
        }

        await Assert.ThrowsAsync<TimeoutException>(() => caller.WaitForPromptAsync(TimeSpan.FromMilliseconds(300), cancellationToken: Token));
    }

    [Fact]
    public async Task WaitForPromptAsync_PromptAlreadyConsumed_WaitsForTheNextOne()
    {
        await using var server = FakeAudioSocketServer.Start();
        var accept = server.AcceptAsync(Token);
        await using var caller = await SimulatedCaller.ConnectAsync(
            "127.0.0.1", server.Port, new SimulatedCallerOptions { BotSilenceToFinish = TimeSpan.FromMilliseconds(100) }, Token);
        await using var connection = await accept;
        await connection.SendAsync(FakeAudioSocketConnection.Frame(0x10, Tone.Pcm(0.02, 8000, 440, 8000)), Token);
        await caller.WaitForPromptAsync(TimeSpan.FromSeconds(5), cancellationToken: Token);

        await Assert.ThrowsAsync<TimeoutException>(() => caller.WaitForPromptAsync(TimeSpan.FromMilliseconds(300), cancellationToken: Token));
    }

    [Fact]
    public async Task WaitForPromptAsync_BotSaysGoodbyeAndHangsUp_Returns()
    {
        await using var server = FakeAudioSocketServer.Start();
        var accept = server.AcceptAsync(Token);
        await using var caller = await SimulatedCaller.ConnectAsync("127.0.0.1", server.Port, cancellationToken: Token);
        await using var connection = await accept;

        await connection.SendAsync(FakeAudioSocketConnection.Frame(0x10, Tone.Pcm(0.02, 8000, 440, 8000)), Token);
        await connection.SendAsync([0x00, 0x00, 0x00], Token);
        await caller.WaitForPromptAsync(TimeSpan.FromSeconds(5), cancellationToken: Token);

        await Assert.ThrowsAsync<CallEndedException>(() => caller.SayAsync(new byte[320], Token));
    }

    [Fact]
    public async Task ConnectAsync_NothingListening_ThrowsConnectionRefused()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var ex = await Assert.ThrowsAsync<SocketException>(() => SimulatedCaller.ConnectAsync("127.0.0.1", port, cancellationToken: Token));

        Assert.Equal(SocketError.ConnectionRefused, ex.SocketErrorCode);
    }

    [Fact]
    public async Task ReadBotAudioAsync_Published_YieldsEveryFrameAndEndsWithTheCall()
    {
        await using var server = FakeAudioSocketServer.Start();
        var accept = server.AcceptAsync(Token);
        await using var caller = await SimulatedCaller.ConnectAsync("127.0.0.1", server.Port, new SimulatedCallerOptions { PublishBotAudio = true }, Token);
        await using var connection = await accept;

        for (var i = 0; i < 3; i++)
        {
            await connection.SendAsync(FakeAudioSocketConnection.Frame(0x10, new byte[320]), Token);
        }

        await connection.SendAsync([0x00, 0x00, 0x00], Token);
        var count = 0;
        await foreach (var frame in caller.ReadBotAudioAsync(Token))
        {
            count++;
        }

        Assert.Equal(3, count);
    }
}
