using Voicebot.Abstractions.Calls;
using Voicebot.Host.Http;

namespace Voicebot.Host.Tests.Http;

public sealed class CallEndpointsTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 6, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(CallOutcomeKind.Transfer, "transfer")]
    [InlineData(CallOutcomeKind.Resolved, "resolved")]
    [InlineData(CallOutcomeKind.NoTechnician, "no-technician")]
    [InlineData(CallOutcomeKind.Abandoned, "abandoned")]
    [InlineData(CallOutcomeKind.Error, "error")]
    public void OutcomeWord_EveryOutcome_IsTheDialplanWord(CallOutcomeKind kind, string word)
    {
        Assert.Equal(word, CallEndpoints.OutcomeWord(kind));
    }

    [Fact]
    public void ToDialplanLine_Transfer_CarriesTheCollectedSlots()
    {
        var outcome = new CallOutcome(
            Guid.NewGuid(),
            CallOutcomeKind.Transfer,
            "technician-available",
            new Dictionary<string, string> { ["phone"] = "0612345678", ["problem"] = "mobile", ["name_clip"] = "/data/clips/x.wav" },
            ["WELCOME", "TRANSFER"],
            Start,
            Start.AddSeconds(95.6));

        var line = CallEndpoints.ToDialplanLine(outcome);

        Assert.Equal("outcome=transfer&reason=technician-available&phone=0612345678&problem=mobile&duration=95", line);
    }

    [Fact]
    public void ToDialplanLine_ValueWithSeparators_IsEscapedSoHashCompatStillSplits()
    {
        var outcome = new CallOutcome(Guid.NewGuid(), CallOutcomeKind.Error, "a&b=c", new Dictionary<string, string>(), [], Start, Start);

        var line = CallEndpoints.ToDialplanLine(outcome);

        Assert.Equal("outcome=error&reason=a%26b%3Dc&duration=0", line);
    }
}
