using System.Net.Sockets;
using Voicebot.Cli.Calling;
using Voicebot.Testing;

namespace Voicebot.EndToEnd.Tests;

public sealed class BadInputTests(VoicebotHostFixture fixture)
{
    public static TheoryData<string> Attacks => ["garbage-1", "garbage-2", "garbage-3", "odd-audio", "audio-before-uuid", "unknown-kind", "short-uuid"];

    [Fact]
    public async Task BadConnections_DuringAGoodCall_AreHungUpAndTheCallIsUntouched()
    {
        var ct = TestContext.Current.CancellationToken;
        var connected = new TaskCompletionSource<SimulatedCaller>(TaskCreationOptions.RunContinuationsAsynchronously);
        var good = ScenarioCall.RunAsync(fixture, "internet-fixed", ct, connected: connected);

        var caller = await connected.Task.WaitAsync(ct);
        await Waits.UntilAsync(() => caller.GetReceivedFrames().Any(f => f.Pcm.Span.ContainsAnyExcept((byte)0)), ct);   // in its greeting
        var attacks = Attacks.Select(a => AttackAsync(a.Data, ct)).ToArray();
        var endings = await Task.WhenAll(attacks);
        var run = await good;

        Assert.All(endings, ending => Assert.True(ending.EndsWithHangup, $"{ending.Attack}: no 00 00 00 before the close"));
        Assert.Equal("resolved", run.OutcomeWord);
        ScenarioCall.AssertHeardExactlyWhatTheBotQueued(run);
        ScenarioCall.AssertPaced(run);
    }

    private async Task<(string Attack, bool EndsWithHangup)> AttackAsync(string attack, CancellationToken ct)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", fixture.AudioSocketPort, ct);
        var stream = client.GetStream();
        var uuid = new byte[19];
        uuid[0] = 0x01;
        uuid[2] = 16;
        Guid.NewGuid().TryWriteBytes(uuid.AsSpan(3), bigEndian: true, out _);
        byte[] payload = attack switch
        {
            "odd-audio" => [.. uuid, 0x10, 0x00, 0x03, 1, 2, 3],
            "audio-before-uuid" => [0x10, 0x01, 0x40, .. new byte[320]],
            "unknown-kind" => [.. uuid, 0x02, 0x00, 0x00],
            "short-uuid" => [0x01, 0x00, 0x04, 1, 2, 3, 4],
            _ => Garbage(attack),
        };
        await stream.WriteAsync(payload, ct);

        // Read to the end: whatever the bot sent must end with the AudioSocket hang-up, then the close.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(15));
        var received = new List<byte>();
        var buffer = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(buffer, limit.Token)) > 0)
        {
            received.AddRange(buffer.AsSpan(0, read).ToArray());
        }

        return (attack, received.Count >= 3 && received[^3] == 0 && received[^2] == 0 && received[^1] == 0);
    }

    private static byte[] Garbage(string seed)
    {
        var random = new Random(seed.GetHashCode(StringComparison.Ordinal) & 0xFFFF);
        var bytes = new byte[2000];
        random.NextBytes(bytes);
        bytes[0] = 0x42;   // an undefined kind, so the violation is seen at once
        return bytes;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AdmissionCollection
{
    public const string Name = "Admission (runs alone: it fills every line)";
}

[Collection(AdmissionCollection.Name)]
public sealed class AdmissionTests(VoicebotHostFixture fixture)
{
    [Fact]
    public async Task FullServer_NextCaller_HearsLinesBusyAndIsHungUpPolitely()
    {
        var ct = TestContext.Current.CancellationToken;
        var callers = new List<SimulatedCaller>();
        try
        {
            for (var i = 0; i < VoicebotHostFixture.MaxConcurrentCalls; i++)
            {
                callers.Add(await SimulatedCaller.ConnectAsync("127.0.0.1", fixture.AudioSocketPort, cancellationToken: ct));
            }

            foreach (var caller in callers)
            {
                await caller.WaitForPromptAsync(TimeSpan.FromSeconds(20), cancellationToken: ct);   // each one is being served
            }

            await using var refused = await SimulatedCaller.ConnectAsync("127.0.0.1", fixture.AudioSocketPort, cancellationToken: ct);
            var ending = await refused.WaitForHangupAsync(TimeSpan.FromSeconds(20), ct);

            Assert.Equal(CallEndReason.BotHungUp, ending);
            var phrases = await fixture.PhrasesAsync(8000, ct);
            var heard = new BotPhraseMatcher(phrases, 8000).Match(refused.GetReceivedAudio());
            Assert.Equal(["lines_busy"], heard.Select(h => h.PhraseKey ?? h.ToString()).ToArray());
            Assert.All(callers, c => Assert.Null(c.EndReason));
        }
        finally
        {
            foreach (var caller in callers)
            {
                await caller.DisposeAsync();
            }
        }
    }
}

public sealed class TrickleTests(VoicebotHostFixture fixture)
{
    [Fact]
    public async Task TrickleOfValidFrames_AtTheNameStep_IsSilenceAndFreesTheLine()
    {
        // One valid 2-byte audio frame a second after the UUID: no voice, so « Allô ? » and goodbye on the silence
        // timeouts (4 s and 8 s in this host), at the name recording as elsewhere; the line is free again.
        var ct = TestContext.Current.CancellationToken;
        var callId = Guid.NewGuid();
        await using var caller = await Voicebot.Testing.Gateway.FakeAsteriskClient.ConnectAsync(fixture.AudioSocketPort, ct);
        await caller.SendUuidAsync(callId, ct);
        using var trickle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var trickling = TrickleAsync(caller, trickle.Token);

        // The bot should be done within a minute; before the fix it waited for Calls:MaxDuration (10 min).
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        await caller.ReadUntilHangupAsync(limit.Token);
        await trickle.CancelAsync();
        await trickling;

        var outcome = await fixture.Http.GetStringAsync($"/calls/{callId}/outcome", ct);
        Assert.StartsWith("outcome=abandoned&reason=silence", outcome, StringComparison.Ordinal);
        var snapshot = await fixture.Http.GetStringAsync($"/calls/{callId}", ct);
        Assert.Contains("IDENTIFICATION_NAME", snapshot, StringComparison.Ordinal);
    }

    private static async Task TrickleAsync(Voicebot.Testing.Gateway.FakeAsteriskClient caller, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                await caller.SendAudioAsync(new byte[2], cancellationToken: ct);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
        {
            // Stopped, or the bot closed the line.
        }
    }
}
