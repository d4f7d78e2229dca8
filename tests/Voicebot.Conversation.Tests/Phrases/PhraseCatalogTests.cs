using Voicebot.Conversation.Phrases;

namespace Voicebot.Conversation.Tests.Phrases;

public sealed class PhraseCatalogTests
{
    [Theory]
    [InlineData("welcome")]
    [InlineData("ask_name")]
    [InlineData("ask_phone")]
    [InlineData("phone_invalid")]
    [InlineData("phone_confirm_intro")]
    [InlineData("digit_0")]
    [InlineData("digit_9")]
    [InlineData("ask_problem")]
    [InlineData("problem_invalid")]
    [InlineData("solution_internet")]
    [InlineData("solution_mobile")]
    [InlineData("ask_fixed")]
    [InlineData("fixed_invalid")]
    [InlineData("checking_technician")]
    [InlineData("transfer")]
    [InlineData("goodbye_resolved")]
    [InlineData("goodbye_callback")]
    [InlineData("are_you_there")]
    [InlineData("goodbye_silence")]
    [InlineData("goodbye_max_duration")]
    [InlineData("not_understood")]
    [InlineData("error")]
    [InlineData("lines_busy")]
    [InlineData("shutdown_goodbye")]
    public void Load_French_HasEveryKeyTheCodeUses(string key)
    {
        var catalog = PhraseCatalog.Load(RepositoryPaths.Phrases, "fr");

        Assert.False(string.IsNullOrWhiteSpace(catalog.GetText(key)));
    }

    [Fact]
    public void Load_French_HasTheSeedTexts()
    {
        var catalog = PhraseCatalog.Load(RepositoryPaths.Phrases, "fr");

        Assert.Equal("fr", catalog.Language);
        Assert.Equal("Bonjour, bienvenue au SAV Wouippleul.", catalog.GetText("welcome"));
        Assert.Equal("Allô, vous êtes là ?", catalog.GetText("are_you_there"));
        Assert.Equal("Je vous mets en relation avec un technicien, ne quittez pas.", catalog.GetText("transfer"));
        Assert.Equal(
            ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"],
            Enumerable.Range(0, 10).Select(d => catalog.GetText($"digit_{d}")));
    }

    [Fact]
    public void Load_French_AskNameMentionsTheHashKey()
    {
        var catalog = PhraseCatalog.Load(RepositoryPaths.Phrases, "fr");

        Assert.Contains("dièse", catalog.GetText("ask_name"), StringComparison.Ordinal);
        Assert.Contains("dièse", catalog.GetText("ask_phone"), StringComparison.Ordinal);
    }

    [Fact]
    public void GetText_UnknownKey_ThrowsKeyNotFound()
    {
        var catalog = PhraseCatalog.Parse("fr", """{ "welcome": "Bonjour." }""");

        var error = Assert.Throws<KeyNotFoundException>(() => catalog.GetText("goodbye"));

        Assert.Contains("'goodbye'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[ "Bonjour" ]""", "must be a JSON object")]
    [InlineData("""{ "welcome": 42 }""", "phrase 'welcome' must be a non-empty string")]
    [InlineData("""{ "welcome": "  " }""", "phrase 'welcome' must be a non-empty string")]
    [InlineData("""{ "welcome": "Bonjour.", "welcome": "Salut." }""", "phrase 'welcome' is defined twice")]
    [InlineData("""{ "welcome": """, "not valid JSON")]
    public void Parse_InvalidCatalog_ThrowsInvalidData(string json, string problem)
    {
        var error = Assert.Throws<InvalidDataException>(() => PhraseCatalog.Parse("fr", json));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CommentsAndTrailingCommas_AreAccepted()
    {
        var catalog = PhraseCatalog.Parse("fr", "// phrases\n{ \"welcome\": \"Bonjour.\", }");

        Assert.Equal("Bonjour.", catalog.GetText("welcome"));
    }

    [Fact]
    public void Load_UnknownLanguage_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => PhraseCatalog.Load(RepositoryPaths.Phrases, "xx"));
    }

    [Fact]
    public void Load_LanguageWithPath_Throws()
    {
        Assert.Throws<ArgumentException>(() => PhraseCatalog.Load(RepositoryPaths.Phrases, "../fr"));
    }
}
