using Voicebot.Conversation.Understanding;

namespace Voicebot.Conversation.Tests.Understanding;

public sealed class FrenchPhoneNumbersTests
{
    [Theory]
    [InlineData("0612345678", "0612345678")]
    [InlineData("06 12 34 56 78", "0612345678")]
    [InlineData("06.12.34.56.78", "0612345678")]
    [InlineData("06-12-34-56-78", "0612345678")]
    [InlineData("06 12 34 56 78.", "0612345678")]
    [InlineData("0 6 1 2 3 4 5 6 7 8", "0612345678")]
    [InlineData("+33 6 12 34 56 78", "0612345678")]
    [InlineData("+33612345678", "0612345678")]
    [InlineData("0033 6 12 34 56 78", "0612345678")]
    [InlineData("0033612345678", "0612345678")]
    [InlineData("+33 (0)6 12 34 56 78", "0612345678")]
    [InlineData("01 45 67 89 01", "0145678901")]
    [InlineData("09-70-80-90-10", "0970809010")]
    [InlineData("zéro six douze trente-quatre cinquante-six soixante-dix-huit", "0612345678")]
    [InlineData("zero six douze trente quatre cinquante six soixante dix huit", "0612345678")]
    [InlineData("Zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit.", "0612345678")]
    [InlineData("c'est le zéro six douze trente-quatre cinquante-six soixante-dix-huit", "0612345678")]
    [InlineData("mon numéro c'est le 06 12 34 56 78", "0612345678")]
    [InlineData("06 12 trente-quatre 56 78", "0612345678")]
    [InlineData("zéro six, un deux, trois quatre, cinq six, sept huit", "0612345678")]
    [InlineData("zéro un quarante-cinq soixante-sept quatre-vingt-neuf zéro un", "0145678901")]
    [InlineData("zéro neuf quatre-vingt-dix-neuf soixante et onze vingt et un dix-sept", "0999712117")]
    [InlineData("zéro six double zéro douze trente-quatre cinquante-six", "0600123456")]
    [InlineData("zéro sept quatre-vingts vingt-deux trente-trois quarante-quatre", "0780223344")]
    [InlineData("zéro huit cent douze trente-quatre cinquante-six", "0800123456")]
    [InlineData("zéro deux septante-deux nonante-neuf huitante onze", "0272998011")]
    [InlineData("plus trente-trois six douze trente-quatre cinquante-six soixante-dix-huit", "0612345678")]
    [InlineData("zéro zéro trente-trois six douze trente-quatre cinquante-six soixante-dix-huit", "0612345678")]
    [InlineData("j'ai un portable, c'est le 06 12 34 56 78", "0612345678")]
    [InlineData("euh zéro six euh douze trente-quatre cinquante-six soixante-dix-huit", "0612345678")]
    [InlineData("ZÉRO SIX DOUZE TRENTE-QUATRE CINQUANTE-SIX SOIXANTE-DIX-HUIT", "0612345678")]
    [InlineData("zéro six douze trente quatre cinquante six soixante et onze", "0612345671")]
    [InlineData("zéro cinq vingt et un trente et un quarante et un cinquante et un", "0521314151")]
    [InlineData("zéro six vingts trente quarante cinquante", "0620304050")]
    public void TryNormalize_FrenchNumber_GivesTenDigits(string text, string expected)
    {
        var found = FrenchPhoneNumbers.TryNormalize(text, out var normalized);

        Assert.True(found);
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bonjour")]
    [InlineData("06 12 34 56")]
    [InlineData("0012345678")]
    [InlineData("1612345678")]
    [InlineData("06123456789")]
    [InlineData("+44 20 7946 0958")]
    [InlineData("douze")]
    [InlineData("zéro six douze")]
    public void TryNormalize_NotAFrenchNumber_ReturnsFalse(string text)
    {
        var found = FrenchPhoneNumbers.TryNormalize(text, out var normalized);

        Assert.False(found);
        Assert.Null(normalized);
    }

    [Theory]
    [InlineData("0612345678", true)]
    [InlineData("0145678901", true)]
    [InlineData("0912345678", true)]
    [InlineData("0012345678", false)]
    [InlineData("612345678", false)]
    [InlineData("06123456789", false)]
    [InlineData("06123a5678", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsValid_Digits_ChecksTheNationalForm(string? digits, bool expected)
    {
        Assert.Equal(expected, FrenchPhoneNumbers.IsValid(digits));
    }

    [Theory]
    [InlineData("0612345678", "0612345678")]
    [InlineData("33612345678", "0612345678")]
    [InlineData("330612345678", "0612345678")]
    [InlineData("0033612345678", "0612345678")]
    [InlineData("00330612345678", "0612345678")]
    [InlineData("33012345678", null)]
    [InlineData("3361234567", null)]
    [InlineData("44612345678", null)]
    public void TryNormalizeDigits_InternationalForms_AreBroughtBack(string digits, string? expected)
    {
        var found = FrenchPhoneNumbers.TryNormalizeDigits(digits, out var normalized);

        Assert.Equal(expected is not null, found);
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("06", true)]
    [InlineData("061234567", true)]
    [InlineData("0612345678", false)]
    [InlineData("00", true)]
    [InlineData("0033", true)]
    [InlineData("0044", false)]
    [InlineData("33", true)]
    [InlineData("3", true)]
    [InlineData("34", false)]
    [InlineData("5", false)]
    [InlineData("", false)]
    public void IsPlausiblePrefix_Digits_TellsWhetherMoreCanComplete(string digits, bool expected)
    {
        Assert.Equal(expected, FrenchPhoneNumbers.IsPlausiblePrefix(digits));
    }
}
