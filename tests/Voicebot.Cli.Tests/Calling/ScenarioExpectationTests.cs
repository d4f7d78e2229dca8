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
}
