using Voicebot.Conversation.Understanding;

namespace Voicebot.Conversation.Tests.Understanding;

public sealed class SpokenNumbersTests
{
    [Theory]
    [InlineData(0, "zéro")]
    [InlineData(16, "seize")]
    [InlineData(21, "vingt et un")]
    [InlineData(34, "trente-quatre")]
    [InlineData(71, "soixante et onze")]
    [InlineData(78, "soixante-dix-huit")]
    [InlineData(80, "quatre-vingts")]
    [InlineData(81, "quatre-vingt-un")]
    [InlineData(91, "quatre-vingt-onze")]
    [InlineData(99, "quatre-vingt-dix-neuf")]
    public void ToWords_Number_IsSaidAsInFrance(int value, string words)
    {
        Assert.Equal(words, FrenchNumberWords.ToWords(value));
    }

    [Fact]
    public void ToWords_EveryNumberTo99_IsUnderstoodBackByTheParser()
    {
        for (var value = 0; value <= 99; value++)
        {
            Assert.True(FrenchNumberWords.TryParse(FrenchNumberWords.ToWords(value), out var parsed), FrenchNumberWords.ToWords(value));
            Assert.Equal(value, parsed);
        }
    }

    [Theory]
    [InlineData("0612345678", "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit")]
    [InlineData("0100718099", "zéro un, zéro zéro, soixante et onze, quatre-vingts, quatre-vingt-dix-neuf")]
    public void ToSpokenPairs_PhoneNumber_IsReadInPairs(string digits, string spoken)
    {
        Assert.Equal(spoken, FrenchPhoneNumbers.ToSpokenPairs(digits));
    }

    [Fact]
    public void ToSpokenPairs_SpokenNumber_NormalizesBackToTheDigits()
    {
        Assert.True(FrenchPhoneNumbers.TryNormalize(FrenchPhoneNumbers.ToSpokenPairs("0612345678"), out var normalized));
        Assert.Equal("0612345678", normalized);
    }
}
