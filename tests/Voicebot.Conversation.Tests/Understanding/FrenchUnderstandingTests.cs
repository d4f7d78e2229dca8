using Voicebot.Conversation.Understanding;

namespace Voicebot.Conversation.Tests.Understanding;

public sealed class FrenchUnderstandingTests
{
    [Theory]
    [InlineData("internet", Intent.Internet)]
    [InlineData("INTERNET", Intent.Internet)]
    [InlineData("Internet ne marche plus", Intent.Internet)]
    [InlineData("internet marche pas", Intent.Internet)]
    [InlineData("j'ai plus internet", Intent.Internet)]
    [InlineData("c'est pour internet", Intent.Internet)]
    [InlineData("inter net", Intent.Internet)]
    [InlineData("internette", Intent.Internet)]
    [InlineData("ma box", Intent.Internet)]
    [InlineData("ma box ne s'allume plus", Intent.Internet)]
    [InlineData("la box clignote en rouge", Intent.Internet)]
    [InlineData("les voyants de la box sont rouges", Intent.Internet)]
    [InlineData("ma Livebox", Intent.Internet)]
    [InlineData("la freebox est en panne", Intent.Internet)]
    [InlineData("c'est la fibre", Intent.Internet)]
    [InlineData("la fibre est coupée depuis ce matin", Intent.Internet)]
    [InlineData("le wifi", Intent.Internet)]
    [InlineData("le Wi-Fi", Intent.Internet)]
    [InlineData("mon wifi ne fonctionne plus", Intent.Internet)]
    [InlineData("oui fi", Intent.Internet)]
    [InlineData("l'ADSL", Intent.Internet)]
    [InlineData("j'ai un problème d'ADSL", Intent.Internet)]
    [InlineData("ma connexion internet est très lente", Intent.Internet)]
    [InlineData("le débit est nul", Intent.Internet)]
    [InlineData("j'ai pas de connexion", Intent.Internet)]
    [InlineData("je n'arrive pas à me connecter avec mon ordinateur", Intent.Internet)]
    [InlineData("le modem", Intent.Internet)]
    [InlineData("la télé ne marche plus", Intent.Internet)]
    [InlineData("le décodeur est bloqué", Intent.Internet)]
    [InlineData("mon téléphone fixe ne marche plus", Intent.Internet)]
    [InlineData("c'est pas le mobile, c'est internet", Intent.Internet)]
    [InlineData("mobile", Intent.Mobile)]
    [InlineData("Mobile.", Intent.Mobile)]
    [InlineData("le mobile s'il vous plaît", Intent.Mobile)]
    [InlineData("mon portable", Intent.Mobile)]
    [InlineData("mon téléphone mobile", Intent.Mobile)]
    [InlineData("mon téléphone portable ne capte plus", Intent.Mobile)]
    [InlineData("c'est mon téléphone", Intent.Mobile)]
    [InlineData("le téléphone", Intent.Mobile)]
    [InlineData("plus de réseau", Intent.Mobile)]
    [InlineData("je capte pas", Intent.Mobile)]
    [InlineData("j'ai pas de réseau sur mon téléphone", Intent.Mobile)]
    [InlineData("la 4G ne marche pas", Intent.Mobile)]
    [InlineData("pas de 5G chez moi", Intent.Mobile)]
    [InlineData("la 4 G", Intent.Mobile)]
    [InlineData("mes SMS ne partent pas", Intent.Mobile)]
    [InlineData("je reçois plus mes textos", Intent.Mobile)]
    [InlineData("je ne peux plus appeler", Intent.Mobile)]
    [InlineData("mon iPhone", Intent.Mobile)]
    [InlineData("mon smartphone ne capte rien", Intent.Mobile)]
    [InlineData("ma carte SIM n'est pas reconnue", Intent.Mobile)]
    [InlineData("les données mobiles", Intent.Mobile)]
    [InlineData("internet sur mon portable", Intent.Mobile)]
    [InlineData("c'est pas internet c'est mon portable", Intent.Mobile)]
    [InlineData("bonjour", Intent.None)]
    [InlineData("euh", Intent.None)]
    [InlineData("je sais pas", Intent.None)]
    [InlineData("", Intent.None)]
    [InlineData("ma box 4G", Intent.None)]
    [InlineData("internet sur mon téléphone", Intent.None)]
    public void Interpret_ProblemDescription_FindsTheTopic(string text, Intent expected)
    {
        var meaning = FrenchUnderstanding.Interpret(text);

        Assert.Equal(expected, Topic(meaning));
    }

    [Theory]
    [InlineData("oui", Intent.Yes)]
    [InlineData("Oui.", Intent.Yes)]
    [InlineData("OUI", Intent.Yes)]
    [InlineData("ouais", Intent.Yes)]
    [InlineData("oui oui", Intent.Yes)]
    [InlineData("ouais ouais", Intent.Yes)]
    [InlineData("ok", Intent.Yes)]
    [InlineData("okay", Intent.Yes)]
    [InlineData("d'accord", Intent.Yes)]
    [InlineData("exact", Intent.Yes)]
    [InlineData("exactement", Intent.Yes)]
    [InlineData("c'est exact", Intent.Yes)]
    [InlineData("c'est bon", Intent.Yes)]
    [InlineData("ça marche", Intent.Yes)]
    [InlineData("sa marche", Intent.Yes)]
    [InlineData("ça marche maintenant", Intent.Yes)]
    [InlineData("oui ça marche", Intent.Yes)]
    [InlineData("ça fonctionne", Intent.Yes)]
    [InlineData("ça refonctionne", Intent.Yes)]
    [InlineData("ça remarche", Intent.Yes)]
    [InlineData("c'est reparti", Intent.Yes)]
    [InlineData("ça y est", Intent.Yes)]
    [InlineData("pas de souci", Intent.Yes)]
    [InlineData("pas de problème", Intent.Yes)]
    [InlineData("oui pas de souci", Intent.Yes)]
    [InlineData("tout à fait", Intent.Yes)]
    [InlineData("bien sûr", Intent.Yes)]
    [InlineData("absolument", Intent.Yes)]
    [InlineData("parfait", Intent.Yes)]
    [InlineData("impeccable", Intent.Yes)]
    [InlineData("nickel", Intent.Yes)]
    [InlineData("super merci", Intent.Yes)]
    [InlineData("oui merci beaucoup", Intent.Yes)]
    [InlineData("c'est réglé", Intent.Yes)]
    [InlineData("ça a marché", Intent.Yes)]
    [InlineData("oui c'est bon ça remarche", Intent.Yes)]
    [InlineData("je n'ai plus de problème", Intent.Yes)]
    [InlineData("affirmatif", Intent.Yes)]
    [InlineData("voilà c'est bon", Intent.Yes)]
    [InlineData("carrément", Intent.Yes)]
    [InlineData("yes", Intent.Yes)]
    [InlineData("tout est revenu", Intent.Yes)]
    [InlineData("oui la box remarche", Intent.Yes)]
    [InlineData("non", Intent.No)]
    [InlineData("Non.", Intent.No)]
    [InlineData("nan", Intent.No)]
    [InlineData("non non", Intent.No)]
    [InlineData("non merci", Intent.No)]
    [InlineData("nope", Intent.No)]
    [InlineData("négatif", Intent.No)]
    [InlineData("pas du tout", Intent.No)]
    [InlineData("toujours pas", Intent.No)]
    [InlineData("non toujours pas", Intent.No)]
    [InlineData("ça marche pas", Intent.No)]
    [InlineData("sa marche pas", Intent.No)]
    [InlineData("ça marche toujours pas", Intent.No)]
    [InlineData("ça ne marche pas", Intent.No)]
    [InlineData("ça ne marche plus", Intent.No)]
    [InlineData("ça n'a pas marché", Intent.No)]
    [InlineData("ça fonctionne pas", Intent.No)]
    [InlineData("non ça fonctionne toujours pas", Intent.No)]
    [InlineData("ça ne fonctionne toujours pas", Intent.No)]
    [InlineData("ça marche pas du tout", Intent.No)]
    [InlineData("non c'est pareil", Intent.No)]
    [InlineData("c'est toujours pareil", Intent.No)]
    [InlineData("rien n'a changé", Intent.No)]
    [InlineData("toujours rien", Intent.No)]
    [InlineData("pas vraiment", Intent.No)]
    [InlineData("non rien du tout", Intent.No)]
    [InlineData("c'est pas bon", Intent.No)]
    [InlineData("bof", Intent.No)]
    [InlineData("absolument pas", Intent.No)]
    [InlineData("toujours en panne", Intent.No)]
    [InlineData("non, c'est toujours le même problème", Intent.No)]
    [InlineData("oui mais ça marche pas", Intent.No)]
    [InlineData("ça marche mal", Intent.No)]
    [InlineData("non ça capte toujours pas", Intent.No)]
    [InlineData("internet marche toujours pas", Intent.No)]
    [InlineData("je crois pas", Intent.No)]
    [InlineData("je crois que oui", Intent.Yes)]
    [InlineData("ça va mieux merci", Intent.Yes)]
    [InlineData("je sais pas", Intent.None)]
    [InlineData("je ne sais pas", Intent.None)]
    [InlineData("peut-être", Intent.None)]
    [InlineData("attendez", Intent.None)]
    [InlineData("bonjour", Intent.None)]
    [InlineData("oui non", Intent.None)]
    [InlineData("internet", Intent.None)]
    [InlineData("   ", Intent.None)]
    public void Interpret_Answer_FindsYesOrNo(string text, Intent expected)
    {
        var meaning = FrenchUnderstanding.Interpret(text);

        Assert.Equal(expected, Answer(meaning));
    }

    [Theory]
    [InlineData("je veux parler à un conseiller", true)]
    [InlineData("un conseiller s'il vous plaît", true)]
    [InlineData("passez-moi un humain", true)]
    [InlineData("je voudrais une vraie personne", true)]
    [InlineData("je veux un technicien", true)]
    [InlineData("un opérateur", true)]
    [InlineData("je veux parler à quelqu'un", true)]
    [InlineData("une conseillère", true)]
    [InlineData("un être humain", true)]
    [InlineData("le service client", true)]
    [InlineData("internet", false)]
    [InlineData("oui", false)]
    [InlineData("ma box ne marche plus", false)]
    [InlineData("je m'appelle Jean Dupont", false)]
    [InlineData("c'est un vrai problème", false)]
    public void Interpret_RequestForAHuman_IsRecognised(string text, bool expected)
    {
        var meaning = FrenchUnderstanding.Interpret(text);

        Assert.Equal(expected, meaning.Has(Intent.Human));
        Assert.Equal(expected, meaning.Intent == Intent.Human);
    }

    [Theory]
    [InlineData("un", '1')]
    [InlineData("1", '1')]
    [InlineData("le un", '1')]
    [InlineData("je tape 1", '1')]
    [InlineData("le premier", '1')]
    [InlineData("deux", '2')]
    [InlineData("le 2", '2')]
    [InlineData("touche deux", '2')]
    [InlineData("la deuxième", '2')]
    [InlineData("trois", '3')]
    [InlineData("zéro", '0')]
    [InlineData("neuf", '9')]
    [InlineData("dièse", '#')]
    [InlineData("étoile", '*')]
    public void Interpret_SpokenKey_GivesTheKey(string text, char expected)
    {
        var meaning = FrenchUnderstanding.Interpret(text);

        Assert.Equal(expected, meaning.Key);
    }

    [Theory]
    [InlineData("un problème")]
    [InlineData("douze")]
    [InlineData("oui")]
    [InlineData("06 12")]
    [InlineData("un ou deux")]
    public void Interpret_SentenceThatIsNotOneKey_GivesNoKey(string text)
    {
        var meaning = FrenchUnderstanding.Interpret(text);

        Assert.Null(meaning.Key);
    }

    [Theory]
    [InlineData("je m'appelle Jean Dupont", "Jean Dupont")]
    [InlineData("Je m'appelle jean dupont", "Jean Dupont")]
    [InlineData("bonjour je m'appelle Marie-Claire Lefèvre", "Marie-Claire Lefèvre")]
    [InlineData("je m’appelle Éric Nguyen", "Éric Nguyen")]
    [InlineData("c'est Madame Martin", "Martin")]
    [InlineData("c'est monsieur Durand", "Durand")]
    [InlineData("moi c'est Paul", "Paul")]
    [InlineData("Dupont Jean", "Dupont Jean")]
    [InlineData("Jean Dupont", "Jean Dupont")]
    [InlineData("mon nom est Bernard", "Bernard")]
    [InlineData("mon nom c'est Petit, Sophie", "Petit Sophie")]
    [InlineData("je me nomme Hélène Girard", "Hélène Girard")]
    [InlineData("euh oui bonjour, Nicolas Moreau", "Nicolas Moreau")]
    [InlineData("Jean Dupont à l'appareil", "Jean Dupont")]
    [InlineData("ici Thomas Lambert", "Thomas Lambert")]
    [InlineData("je m'appelle Jean Dupont et mon numéro c'est le 06 12 34 56 78", "Jean Dupont")]
    [InlineData("Madame Martin", "Martin")]
    [InlineData("M. Lefebvre", "Lefebvre")]
    [InlineData("oui", null)]
    [InlineData("c'est bon", null)]
    [InlineData("ma box ne marche plus", null)]
    [InlineData("je suis pas content", null)]
    [InlineData("internet", null)]
    [InlineData("d'accord", null)]
    [InlineData("bonjour", null)]
    [InlineData("c'est pas grave", null)]
    [InlineData("zéro six douze", null)]
    [InlineData("je suis client chez vous", null)]
    [InlineData("ça marche", null)]
    public void ExtractName_Introduction_GivesTheName(string text, string? expected)
    {
        var name = FrenchUnderstanding.ExtractName(text);

        Assert.Equal(expected, name);
    }

    [Fact]
    public void Interpret_NameAndNumberInOneSentence_FindsBoth()
    {
        var meaning = FrenchUnderstanding.Interpret("je m'appelle Jean Dupont et mon numéro c'est le zéro six douze trente-quatre cinquante-six soixante-dix-huit");

        Assert.Equal("Jean Dupont", meaning.Name);
        Assert.Equal("0612345678", meaning.PhoneNumber);
    }

    [Fact]
    public void Interpret_TopicAndAnswerTogether_ListsHumanThenTopicThenAnswer()
    {
        var meaning = FrenchUnderstanding.Interpret("non, ma box marche toujours pas, je veux un technicien");

        Assert.Equal([Intent.Human, Intent.Internet, Intent.No], meaning.Intents);
        Assert.Equal(Intent.Human, meaning.Intent);
    }

    [Fact]
    public void Interpret_Null_IsEmpty()
    {
        var meaning = FrenchUnderstanding.Interpret(null);

        Assert.Same(Interpretation.Empty, meaning);
        Assert.Equal(Intent.None, meaning.Intent);
    }

    private static Intent Topic(Interpretation meaning) =>
        meaning.Has(Intent.Internet) ? Intent.Internet : meaning.Has(Intent.Mobile) ? Intent.Mobile : Intent.None;

    private static Intent Answer(Interpretation meaning) =>
        meaning.Has(Intent.Yes) ? Intent.Yes : meaning.Has(Intent.No) ? Intent.No : Intent.None;
}
