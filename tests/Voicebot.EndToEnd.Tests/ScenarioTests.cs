using Voicebot.Cli.Calling;

namespace Voicebot.EndToEnd.Tests;

// One class per scenario so the calls run side by side against the same bot, as real calls do.

public sealed class InternetFixedTests(VoicebotHostFixture fixture)
{
    [Fact]
    public async Task InternetFixed_OverAudioSocket_ResolvesWithEveryPhraseHeardExactly()
    {
        var run = await ScenarioCall.RunAsync(fixture, "internet-fixed", TestContext.Current.CancellationToken);

        ScenarioCall.AssertScenarioExpectations(run);
        Assert.Equal(CallEndReason.BotHungUp, run.EndReason);
        Assert.Equal("resolved", run.OutcomeWord);
        Assert.Equal("0612345678", run.Outcome.GetProperty("slots").GetProperty("phone").GetString());
        Assert.Equal("internet", run.Outcome.GetProperty("slots").GetProperty("problem").GetString());
        ScenarioCall.AssertHeardExactlyWhatTheBotQueued(run);
        ScenarioCall.AssertPaced(run);
    }
}

public sealed class MobileTransferTests(VoicebotHostFixture fixture)
{
    [Fact]
    public async Task MobileNotFixed_TechnicianFree_TransfersAndTellsTheDialplan()
    {
        var run = await ScenarioCall.RunAsync(fixture, "mobile-not-fixed-transfer", TestContext.Current.CancellationToken, technicianAvailable: true);

        ScenarioCall.AssertScenarioExpectations(run);
        Assert.Equal("transfer", run.OutcomeWord);
        Assert.Equal("TRANSFER", run.States[^1]);
        ScenarioCall.AssertHeardExactlyWhatTheBotQueued(run);
        ScenarioCall.AssertPaced(run);
    }
}

public sealed class NoTechnicianTests(VoicebotHostFixture fixture)
{
    [Fact]
    public async Task MobileNotFixed_NoTechnician_PromisesACallBack()
    {
        var run = await ScenarioCall.RunAsync(fixture, "mobile-not-fixed-no-technician", TestContext.Current.CancellationToken, technicianAvailable: false);

        ScenarioCall.AssertScenarioExpectations(run);
        Assert.Equal("no-technician", run.OutcomeWord);
        Assert.Equal("goodbye_callback", run.PhrasesQueued[^1]);
        ScenarioCall.AssertHeardExactlyWhatTheBotQueued(run);
        ScenarioCall.AssertPaced(run);
    }
}

public sealed class SilentCallerTests(VoicebotHostFixture fixture)
{
    [Fact]
    public async Task SilentCaller_NeverAnswers_IsAskedIfThereThenHungUpOn()
    {
        var run = await ScenarioCall.RunAsync(fixture, "silent-caller", TestContext.Current.CancellationToken);

        ScenarioCall.AssertScenarioExpectations(run);
        Assert.Equal("abandoned", run.OutcomeWord);
        Assert.Equal(CallEndReason.BotHungUp, run.EndReason);
        Assert.Contains("are_you_there", run.PhrasesQueued);
        Assert.Equal("goodbye_silence", run.PhrasesQueued[^1]);
        ScenarioCall.AssertHeardExactlyWhatTheBotQueued(run);
        ScenarioCall.AssertPaced(run);
    }
}

public sealed class HangUpMidSentenceTests(VoicebotHostFixture fixture)
{
    [Fact]
    public async Task Caller_HangsUpMidSentence_CallEndsAbandonedAndCleanly()
    {
        var run = await ScenarioCall.RunAsync(fixture, "hangup-mid-sentence", TestContext.Current.CancellationToken);

        ScenarioCall.AssertScenarioExpectations(run);
        Assert.Equal(CallEndReason.CallerHungUp, run.EndReason);
        Assert.Equal("abandoned", run.OutcomeWord);
        Assert.Equal("caller-hung-up", run.Outcome.GetProperty("reason").GetString());
        Assert.Empty(run.ProtocolViolations);
    }
}

public sealed class WrongKeysTests(VoicebotHostFixture fixture)
{
    [Fact]
    public async Task WrongKeys_ThenRightOnes_RepromptsAndResolves()
    {
        var run = await ScenarioCall.RunAsync(fixture, "wrong-keys", TestContext.Current.CancellationToken);

        ScenarioCall.AssertScenarioExpectations(run);
        Assert.Equal("resolved", run.OutcomeWord);
        Assert.Contains("phone_invalid", run.PhrasesQueued);
        Assert.Contains("problem_invalid", run.PhrasesQueued);
        ScenarioCall.AssertHeardExactlyWhatTheBotQueued(run);
        ScenarioCall.AssertPaced(run);
    }
}

public sealed class WidebandTests(VoicebotHostFixture fixture)
{
    [Fact]
    public async Task Slin16Call_IsAnsweredInSlin16WithPhrasesRenderedAt16kHz()
    {
        var run = await ScenarioCall.RunAsync(fixture, "internet-fixed", TestContext.Current.CancellationToken, sampleRate: 16000);

        ScenarioCall.AssertScenarioExpectations(run);
        Assert.Equal("resolved", run.OutcomeWord);
        ScenarioCall.AssertHeardExactlyWhatTheBotQueued(run);
        ScenarioCall.AssertPaced(run);
    }
}
