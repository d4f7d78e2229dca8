using Voicebot.Conversation.Understanding;

namespace Voicebot.Conversation.Tests.Understanding;

public sealed class FrenchNumberWordsTests
{
    [Theory]
    [InlineData("zéro", 0)]
    [InlineData("zero", 0)]
    [InlineData("un", 1)]
    [InlineData("une", 1)]
    [InlineData("neuf", 9)]
    [InlineData("dix", 10)]
    [InlineData("onze", 11)]
    [InlineData("seize", 16)]
    [InlineData("dix-sept", 17)]
    [InlineData("dix sept", 17)]
    [InlineData("dix-neuf", 19)]
    [InlineData("vingt", 20)]
    [InlineData("vingt et un", 21)]
    [InlineData("vingt-deux", 22)]
    [InlineData("trente et une", 31)]
    [InlineData("quarante-cinq", 45)]
    [InlineData("cinquante-six", 56)]
    [InlineData("soixante", 60)]
    [InlineData("soixante-neuf", 69)]
    [InlineData("soixante-dix", 70)]
    [InlineData("soixante et onze", 71)]
    [InlineData("soixante-douze", 72)]
    [InlineData("soixante-dix-huit", 78)]
    [InlineData("quatre-vingts", 80)]
    [InlineData("quatre-vingt-un", 81)]
    [InlineData("quatre-vingt-dix", 90)]
    [InlineData("quatre-vingt-onze", 91)]
    [InlineData("quatre-vingt-dix-neuf", 99)]
    [InlineData("Quatre-Vingt-Dix-Neuf", 99)]
    [InlineData("quatre vingt dix neuf", 99)]
    [InlineData("SOIXANTE ET ONZE", 71)]
    [InlineData("septante-deux", 72)]
    [InlineData("huitante", 80)]
    [InlineData("octante-cinq", 85)]
    [InlineData("nonante-neuf", 99)]
    [InlineData("cent", 100)]
    [InlineData("deux cents", 200)]
    [InlineData("cent douze", 112)]
    [InlineData("neuf cent quatre-vingt-dix-neuf", 999)]
    [InlineData("42", 42)]
    public void TryParse_NumberInWords_GivesItsValue(string text, int expected)
    {
        var parsed = FrenchNumberWords.TryParse(text, out var value);

        Assert.True(parsed);
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bonjour")]
    [InlineData("vingt bonjour")]
    [InlineData("douze trente")]
    [InlineData("et")]
    [InlineData("quatre g")]
    public void TryParse_NotExactlyOneNumber_ReturnsFalse(string text)
    {
        Assert.False(FrenchNumberWords.TryParse(text, out _));
    }

    [Theory]
    [InlineData("zéro six", "06")]
    [InlineData("double zéro", "00")]
    [InlineData("triple six", "666")]
    [InlineData("quatre vingt dix neuf", "99")]
    [InlineData("huit cent douze", "80012")]
    [InlineData("j'ai 2 box", "2")]
    [InlineData("06-12", "0612")]
    [InlineData("bonjour", "")]
    public void ExtractDigits_Text_ConcatenatesEveryNumber(string text, string expected)
    {
        Assert.Equal(expected, FrenchNumberWords.ExtractDigits(text));
    }

    [Fact]
    public void ExtractDigitRuns_WordsBetweenNumbers_SplitTheRuns()
    {
        var runs = FrenchNumberWords.ExtractDigitRuns("j'ai un portable, c'est le zéro six 12");

        Assert.Equal(["1", "0612"], runs);
    }
}
