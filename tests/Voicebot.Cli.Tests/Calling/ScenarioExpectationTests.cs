using Voicebot.Cli.Calling;

namespace Voicebot.Cli.Tests.Calling;

public sealed class ScenarioExpectationTests
{
    private static readonly ScenarioExpectation Expect = new() { Phrases = ["welcome", "ask_name", "goodbye"] };

    [Fact]
    public void FindPhraseMismatch_ExpectedInOrderWithOthersBetween_IsNull()
    {
        Assert.Null(Expect.FindPhraseMismatch(["welcome", "ask_name", "are_you_there", "ask_name", "goodbye"]));
    }

    [Fact]
    public void FindPhraseMismatch_OutOfOrder_NamesTheMissingPhrase()
    {
        var mismatch = Expect.FindPhraseMismatch(["ask_name", "welcome", "goodbye"]);

        Assert.NotNull(mismatch);
        Assert.Contains("'ask_name'", mismatch, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("noTechnician", "no-technician")]
    [InlineData("no-technician", "no-technician")]
    [InlineData("transfer", "transfer")]
    public void FindOutcomeMismatch_SameOutcomeWhateverTheSpelling_IsNull(string expected, string got)
    {
        Assert.Null(new ScenarioExpectation { Outcome = expected }.FindOutcomeMismatch(new CallOutcomeReport(got, "completed")));
    }

    [Fact]
    public void FindOutcomeMismatch_OtherOutcome_SaysExpectedAndGotInOneLine()
    {
        var mismatch = new ScenarioExpectation { Outcome = "transfer" }.FindOutcomeMismatch(new CallOutcomeReport("no-technician", "completed"));

        Assert.Equal("expected outcome transfer, got no-technician (reason completed)", mismatch);
    }

    [Fact]
    public void FindOutcomeMismatch_NoExpectedOutcome_IsNull()
    {
        Assert.Null(Expect.FindOutcomeMismatch(new CallOutcomeReport("error", "not-understood")));
    }
}
