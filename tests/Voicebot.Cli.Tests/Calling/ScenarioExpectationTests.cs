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

    [Fact]
    public void CallOutcomeEndpoint_For_BuildsTheOutcomeUrl()
    {
        var id = Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");

        Assert.Equal("http://127.0.0.1:8088/calls/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/outcome", CallOutcomeEndpoint.For("127.0.0.1", id).ToString());
    }
}
