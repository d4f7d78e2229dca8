using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Voicebot.Abstractions.Calls;
using Voicebot.Gateway.BargeIn;
using Voicebot.Gateway.Calls;
using Voicebot.Testing.Gateway;

namespace Voicebot.Gateway.Tests.BargeIn;

/// <summary>
/// Barge-in through the real read path: Kestrel, a fake Asterisk sending 20 ms frames, the fake control plane playing a
/// tone. The bot talks at -6 dBFS; the caller's "speech" is a 440 Hz tone at -10 dBFS; the echo is the bot's own frames
/// sent back 20 dB quieter about 40 ms later.
/// </summary>
public sealed class BargeInEndToEndTests
{
    private const double BotDbfs = -6;
    private const double CallerDbfs = -10;
    private const int FrameBytes = 320;

    private static readonly byte[] CallerSpeech = TestAudio.Tone(TimeSpan.FromSeconds(1), 440, CallerDbfs);

    [Fact]
    public async Task CallerSpeaksMidPhrase_BotAudioStopsWithinAFrameOfDetectionAndControlIsToldOnce()
    {
        var ct = Timeout();
        var logs = new RecordingLoggerProvider();
        await using var host = await GatewayTestHost.StartAsync(configureServices: s => s.AddSingleton<ILoggerProvider>(logs), cancellationToken: ct);
        await using var call = await host.StartLiveCallAsync(ct);
        var recorded = host.Control.Call(call.CallId);
        var session = (CallSession)recorded.Media!;
        var speechFrom = long.MaxValue;
        call.Client.AudioSource = i => SpeechFrame(i, Volatile.Read(ref speechFrom), frames: 20);   // 400 ms of speech

        await session.PlayAsync(new PlaybackItem(1, "five seconds", TestAudio.Tone(TimeSpan.FromSeconds(5), 300, BotDbfs), 8000));
        var frames = new List<ReceivedFrame> { (await call.Client.ReadUntilAsync(f => !f.IsSilence, ct))[^1] };
        await call.Client.ReadFramesAsync(frames, 50, ct);   // about 1 s into the phrase
        Volatile.Write(ref speechFrom, call.Client.PumpFramesSent + 1);
        await call.Client.ReadFramesAsync(frames, 75, ct);
        await recorded.BargedIn.Task.WaitAsync(ct);
        await call.Client.ReadFramesAsync(frames, 10, ct);   // the speech has ended: a second report would be in by now

        var detectionFrame = speechFrom + 7;   // MinSpeech 160 ms = the 8th 20 ms frame
        var reaction = session.Inbound.LastBargeIn!;
        var speechSentAt = call.Client.PumpFrameSentAt(speechFrom);
        var detectionSentAt = call.Client.PumpFrameSentAt(detectionFrame);
        var firstAfterDetection = frames.FindIndex(f => f.ReceivedAt > detectionSentAt);
        var lastAudible = frames.FindLastIndex(f => !f.IsSilence);
        var firstSilent = frames.FindIndex(f => f.IsSilence && f.ReceivedAt > speechSentAt);
        var reactionMs = Stopwatch.GetElapsedTime(speechSentAt, frames[firstSilent].ReceivedAt).TotalMilliseconds;
        var afterDetectionMs = Stopwatch.GetElapsedTime(detectionSentAt, frames[firstSilent].ReceivedAt).TotalMilliseconds;
        TestContext.Current.SendDiagnosticMessage(
            $"Barge-in reaction: {reactionMs:F1} ms from the first speech frame sent to the first silent bot frame received " +
            $"(MinSpeech 160 ms; {afterDetectionMs:F1} ms after the detection frame was sent); " +
            $"audible bot frames received after the detection frame was sent: {Math.Max(0, lastAudible - firstAfterDetection + 1)}; " +
            $"flushed {reaction.FlushedBytes / 16} ms of bot audio.");
        Assert.Equal(detectionFrame, reaction.InboundSequence);
        Assert.True(session.LastAudibleFrame < reaction.OutboundFrame, "The gateway wrote bot audio after the flush.");
        Assert.True(lastAudible <= firstAfterDetection + 1 + 5, $"Bot audio {lastAudible - firstAfterDetection} frames after detection.");
        Assert.All(frames[(lastAudible + 1)..], f => Assert.True(f.IsSilence));
        Assert.Equal(1, recorded.BargeInCount);
        Assert.Equal(1, session.Inbound.BargeIns);
        Assert.Equal(0, session.Inbound.BargeInsRejectedAsEcho + session.Inbound.BargeInsRejectedTooShort);
        Assert.Equal(1, reaction.PlaybackId);
        Assert.False(recorded.PlaybackFinished.Reader.TryRead(out _));
        var log = Assert.Single(logs.Entries, e => e.Id.Name == "BargeIn");
        Assert.Equal("CallId", log.State[0].Key);
        Assert.Equal(call.CallId, log.State[0].Value);
    }

    [Fact]
    public async Task ClickOf60ms_WhileBotTalks_DoesNotStopTheBot()
    {
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(cancellationToken: ct);
        await using var call = await host.StartLiveCallAsync(ct);
        var recorded = host.Control.Call(call.CallId);
        var session = (CallSession)recorded.Media!;
        var click = TestAudio.Noise(TimeSpan.FromMilliseconds(60), BotDbfs);
        var clickFrom = long.MaxValue;
        call.Client.AudioSource = i =>
        {
            var frame = i - Volatile.Read(ref clickFrom);
            return frame >= 0 && frame < click.Length / FrameBytes ? click.AsMemory((int)frame * FrameBytes, FrameBytes) : default;
        };
        var phrase = TestAudio.Tone(TimeSpan.FromSeconds(2), 300, BotDbfs);

        await session.PlayAsync(new PlaybackItem(2, "two seconds", phrase, 8000));
        var frames = new List<ReceivedFrame> { (await call.Client.ReadUntilAsync(f => !f.IsSilence, ct))[^1] };
        await call.Client.ReadFramesAsync(frames, 25, ct);
        Volatile.Write(ref clickFrom, call.Client.PumpFramesSent + 1);
        await ReadPhraseAsync(call.Client, frames, phrase, ct);
        var finished = await recorded.PlaybackFinished.Reader.ReadAsync(ct);

        AssertPhraseArrived(phrase, frames, session);
        Assert.Equal(2, finished);
        Assert.Equal(0, recorded.BargeInCount);
        Assert.Equal(0, session.Inbound.BargeIns);
        Assert.Equal(1, session.Inbound.BargeInsRejectedTooShort);
    }

    [Fact]
    public async Task BotEchoAttenuated20dB_WhileBotTalks_NoBargeInAndTheWholePhraseArrives()
    {
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(cancellationToken: ct);
        await using var call = await host.StartLiveCallAsync(ct);
        var recorded = host.Control.Call(call.CallId);
        var session = (CallSession)recorded.Media!;
        call.Client.AudioSource = _ => EchoFrame(call.Client);
        var phrase = TestAudio.Tone(TimeSpan.FromSeconds(2), 300, BotDbfs);

        await session.PlayAsync(new PlaybackItem(3, "two seconds", phrase, 8000));
        var frames = new List<ReceivedFrame> { (await call.Client.ReadUntilAsync(f => !f.IsSilence, ct))[^1] };
        await ReadPhraseAsync(call.Client, frames, phrase, ct);
        var finished = await recorded.PlaybackFinished.Reader.ReadAsync(ct);
        await call.Client.ReadFramesAsync(frames, 10, ct);

        TestContext.Current.SendDiagnosticMessage(
            $"Echo: rejected as echo {session.Inbound.BargeInsRejectedAsEcho}, too short {session.Inbound.BargeInsRejectedTooShort}, barge-ins {session.Inbound.BargeIns}.");
        AssertPhraseArrived(phrase, frames, session);
        Assert.Equal(3, finished);
        Assert.Equal(0, recorded.BargeInCount);
        Assert.Equal(0, session.Inbound.BargeIns);
        Assert.True(session.Inbound.BargeInsRejectedAsEcho >= 1);
    }

    [Fact]
    public async Task BotEchoPlusLouderCallerSpeech_WhileBotTalks_BargesIn()
    {
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(cancellationToken: ct);
        await using var call = await host.StartLiveCallAsync(ct);
        var recorded = host.Control.Call(call.CallId);
        var session = (CallSession)recorded.Media!;
        var speechFrom = long.MaxValue;
        call.Client.AudioSource = i =>
        {
            var echo = EchoFrame(call.Client);
            var speech = SpeechFrame(i, Volatile.Read(ref speechFrom), frames: 15);
            return speech.IsEmpty ? echo : TestAudio.Mix(echo.Span, 1, speech.Span);
        };

        await session.PlayAsync(new PlaybackItem(4, "five seconds", TestAudio.Tone(TimeSpan.FromSeconds(5), 300, BotDbfs), 8000));
        var frames = new List<ReceivedFrame> { (await call.Client.ReadUntilAsync(f => !f.IsSilence, ct))[^1] };
        await call.Client.ReadFramesAsync(frames, 25, ct);
        Volatile.Write(ref speechFrom, call.Client.PumpFramesSent + 1);
        await recorded.BargedIn.Task.WaitAsync(ct);
        await call.Client.ReadFramesAsync(frames, 40, ct);

        Assert.Equal(1, recorded.BargeInCount);
        Assert.Equal(1, session.Inbound.BargeIns);
        Assert.Equal(speechFrom + 7, session.Inbound.LastBargeIn!.InboundSequence);
        Assert.All(frames.TakeLast(20), f => Assert.True(f.IsSilence));
    }

    [Fact]
    public async Task Disabled_CallerSpeaksOverTheBot_NeverBargesIn()
    {
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(
            configureServices: s => s.Configure<BargeInOptions>(o => o.Enabled = false), cancellationToken: ct);
        await using var call = await host.StartLiveCallAsync(ct);
        var recorded = host.Control.Call(call.CallId);
        var session = (CallSession)recorded.Media!;
        var speechFrom = long.MaxValue;
        call.Client.AudioSource = i => SpeechFrame(i, Volatile.Read(ref speechFrom), frames: 25);
        var phrase = TestAudio.Tone(TimeSpan.FromSeconds(1), 300, BotDbfs);

        await session.PlayAsync(new PlaybackItem(5, "one second", phrase, 8000));
        var frames = new List<ReceivedFrame> { (await call.Client.ReadUntilAsync(f => !f.IsSilence, ct))[^1] };
        Volatile.Write(ref speechFrom, call.Client.PumpFramesSent + 1);
        await ReadPhraseAsync(call.Client, frames, phrase, ct);
        var finished = await recorded.PlaybackFinished.Reader.ReadAsync(ct);

        AssertPhraseArrived(phrase, frames, session);
        Assert.Equal(5, finished);
        Assert.Equal(0, recorded.BargeInCount);
        Assert.Equal(0, session.Inbound.BargeIns);
        Assert.Null(session.Inbound.LastBargeIn);
    }

    [Fact]
    public async Task BotNotPlaying_CallerSpeaks_NoFlushNoReportAndTheAudioIsPublished()
    {
        var ct = Timeout();
        await using var host = await GatewayTestHost.StartAsync(cancellationToken: ct);
        await using var call = await host.StartLiveCallAsync(ct);
        var recorded = host.Control.Call(call.CallId);
        var session = (CallSession)recorded.Media!;
        var speechFrom = long.MaxValue;
        call.Client.AudioSource = i => SpeechFrame(i, Volatile.Read(ref speechFrom), frames: 25);

        Volatile.Write(ref speechFrom, call.Client.PumpFramesSent + 1);
        var loud = 0;
        while (loud < 25)
        {
            var media = await recorded.ReadInboundAsync(ct);
            loud += media.Audio!.AsSpan().ContainsAnyExcept((byte)0) ? 1 : 0;
        }

        var frames = new List<ReceivedFrame>();
        await call.Client.ReadFramesAsync(frames, 5, ct);

        Assert.Equal(0, recorded.BargeInCount);
        Assert.Equal(0, session.Inbound.BargeIns + session.Inbound.BargeInsRejectedAsEcho + session.Inbound.BargeInsRejectedTooShort);
        Assert.Null(session.Inbound.LastBargeIn);
        Assert.All(frames, f => Assert.True(f.IsSilence));
    }

    private static ReadOnlyMemory<byte> SpeechFrame(long index, long from, int frames)
    {
        var frame = index - from;
        return frame >= 0 && frame < frames ? CallerSpeech.AsMemory((int)frame * FrameBytes, FrameBytes) : default;
    }

    /// <summary>The bot's frame received two frames ago (about 40 ms), 20 dB quieter: a line's echo.</summary>
    private static ReadOnlyMemory<byte> EchoFrame(FakeAsteriskClient client) =>
        client.ReceivedAudio(framesAgo: 2) is { } heard ? TestAudio.Mix(heard, 0.1, []) : new byte[FrameBytes];

    /// <summary>Reads until every frame of <paramref name="phrase"/> has arrived (frames already read included).</summary>
    private static async Task ReadPhraseAsync(FakeAsteriskClient client, List<ReceivedFrame> frames, byte[] phrase, CancellationToken ct)
    {
        while (frames.Count(f => !f.IsSilence) < phrase.Length / FrameBytes)
        {
            await client.ReadFramesAsync(frames, 1, ct);
        }
    }

    /// <summary>
    /// The whole phrase arrived, in order. A stall of the machine longer than the wire sender's lead puts silence
    /// between two of its frames: tolerated only when the gateway counted every such frame.
    /// </summary>
    private static void AssertPhraseArrived(byte[] phrase, List<ReceivedFrame> frames, CallSession session)
    {
        var lastAudible = frames.FindLastIndex(f => !f.IsSilence);
        Assert.Equal(phrase, frames[..(lastAudible + 1)].Where(f => !f.IsSilence).SelectMany(f => f.Payload).ToArray());
        Assert.Equal(frames[..lastAudible].Count(f => f.IsSilence), session.StarvedFrames);
    }

    private static CancellationToken Timeout()
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(TimeSpan.FromSeconds(30));
        return source.Token;
    }
}
