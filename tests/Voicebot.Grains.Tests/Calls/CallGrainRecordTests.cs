using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Records;

namespace Voicebot.Grains.Tests.Calls;

/// <summary>The call record the grain builds (turns and their timings) and the transfer path it hands the caller to.</summary>
[Collection(VoicebotCluster.Name)]
public sealed class CallGrainRecordTests(VoicebotClusterFixture fixture)
{
    [Fact]
    public async Task CompleteRecord_KeypadCall_HasOneTurnPerAnswerWithTheGatewaysFrameTimes()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();
        await call.WalkToVerificationAsync("1", ct);
        await call.PressAsync("1");
        await call.Sink.WaitForHangUpAsync(ct);

        // The gateway saw each playback start 40 ms after it arrived; the grain turns that into per-turn timings.
        var queued = call.Sink.Played.GroupBy(p => p.Id).ToDictionary(g => g.Key, _ => fixture.Time.GetUtcNow());
        var started = queued.ToDictionary(p => p.Key, p => p.Value + TimeSpan.FromMilliseconds(40));
        var media = new CallMediaFacts(queued, started, "/data/recordings/call.wav", fixture.Time.GetUtcNow());
        var record = await call.Grain.CompleteRecordAsync(media);

        Assert.NotNull(record);
        Assert.Equal(call.CallId, record.CallId);
        Assert.Equal(CallOutcomeKind.Resolved, record.Outcome);
        Assert.Equal("0612345678", record.CallerNumber);
        Assert.Equal("/data/recordings/call.wav", record.RecordingPath);
        Assert.Contains(record.History, t => t.Kind == TurnKind.Phrase && t.Content == "goodbye_resolved");

        // Inputs: the name recording, the phone digits (one turn, not eleven), the problem key, the "fixed" key.
        var dtmf = record.Turns.Where(t => t.Input == "dtmf").ToArray();
        Assert.Contains(dtmf, t => t.CallerText == "0612345678#" && t.State == "IDENTIFICATION_PHONE");
        var problem = Assert.Single(dtmf, t => t.State == "DIAGNOSTIC");
        Assert.Equal("1", problem.CallerText);
        Assert.StartsWith("solution_internet", problem.Reply, StringComparison.Ordinal);
        Assert.NotNull(problem.PlaybackId);
        Assert.Equal(TimeSpan.FromMilliseconds(40), problem.FirstFrameOut);   // the fake clock stood still since the key
        Assert.Null(problem.LlmFirstToken);   // keys need no language model
        Assert.Equal(TimeSpan.Zero, problem.Answered);   // a key is answered at once (the fake clock stood still)
        Assert.Equal(record.Turns.Select((_, i) => i + 1), record.Turns.Select(t => t.Turn));

        // Stored exactly once, even when the gateway reports the end twice.
        var stored = await fixture.Records.WaitForAsync(call.CallId, ct);
        Assert.Equal(record.RecordingPath, stored.RecordingPath);
        Assert.Equal(record.Turns.Count, stored.Turns.Count);
        // Drafts went out as the call went (one per state, the first from the welcome on), each a record of its own.
        var drafts = fixture.Records.Drafts(call.CallId);
        Assert.Equal(["WELCOME"], drafts[0].VisitedStates);
        Assert.All(drafts, d => Assert.Equal(CallRecordReasons.InProgress, d.EndReason));
        Assert.Equal(record.VisitedStates.Count, drafts.Count);
        Assert.Equal("0612345678", drafts[^1].Slots["phone"]);
        var again = await call.Grain.CompleteRecordAsync(media);
        Assert.Equal(record.CallId, again!.CallId);
        Assert.Equal(record.Turns.Count, again.Turns.Count);
    }

    [Fact]
    public async Task CompleteRecord_CallStillRunning_ReturnsNothingAndStoresNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();
        await call.Sink.WaitForPhraseAsync("ask_name", ct);

        var record = await call.Grain.CompleteRecordAsync(CallMediaFacts.None(fixture.Time.GetUtcNow()));

        Assert.Null(record);
        Assert.Null(await call.Grain.GetRecordAsync());
        await call.Grain.HangUpAsync(HangupReason.CallerHungUp);
        var ended = await call.Grain.CompleteRecordAsync(CallMediaFacts.None(fixture.Time.GetUtcNow()));
        Assert.Equal(CallOutcomeKind.Abandoned, ended!.Outcome);
    }

    [Fact]
    public async Task Transfer_PbxTakesTheCallOver_NoHangUpAndTheCollectedDataGoesAlong()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();
        fixture.Technicians.Set(call.CallId, available: true);
        fixture.Transfer.Accept(call.CallId);

        await call.WalkToVerificationAsync("2", ct);
        await call.PressAsync("2");
        await WaitUntilAsync(() => fixture.Transfer.Transferred.ContainsKey(call.CallId), ct);

        Assert.Equal("transfer", call.Sink.PhraseKeys[^1]);   // heard before the hand-over
        Assert.Equal("0612345678", fixture.Transfer.Transferred[call.CallId]["phone"]);
        Assert.Equal("mobile", fixture.Transfer.Transferred[call.CallId]["problem"]);
        await WaitUntilAsync(async () => (await call.Grain.GetSnapshotAsync()).History.Any(t => t.Content == "transferred"), ct);
        Assert.False(call.Sink.IsHungUp, "Asterisk closes the socket after a Redirect; the bot must not hang up");
    }

    [Fact]
    public async Task Transfer_PbxDeclines_BotHangsUpForTheDialplanToRoute()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await fixture.StartCallAsync();
        fixture.Technicians.Set(call.CallId, available: true);
        fixture.Transfer.Accept(call.CallId, accept: false);

        await call.WalkToVerificationAsync("2", ct);
        await call.PressAsync("2");
        await call.Sink.WaitForHangUpAsync(ct);

        Assert.Equal(CallOutcomeKind.Transfer, (await call.Grain.GetOutcomeAsync())!.Outcome);
        Assert.False(fixture.Transfer.Transferred.ContainsKey(call.CallId));
    }

    private static Task WaitUntilAsync(Func<bool> condition, CancellationToken ct) => WaitUntilAsync(() => Task.FromResult(condition()), ct);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, CancellationToken ct)
    {
        for (var i = 0; i < 500 && !await condition(); i++)
        {
            await Task.Delay(20, ct);
        }

        Assert.True(await condition(), "condition not met within 10 s");
    }
}
