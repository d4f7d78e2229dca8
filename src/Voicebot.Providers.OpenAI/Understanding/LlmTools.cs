using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Voicebot.Providers.OpenAI.Understanding;

/// <summary>
/// The tools the model must call to report what the caller meant. They are declarations only: nothing is invoked
/// and the model never chooses the next step; <c>CallConversation</c> does, from the resulting interpretation.
/// </summary>
internal static class LlmTools
{
    public const string SetName = "set_name";
    public const string SetPhoneNumber = "set_phone_number";
    public const string SetProblemKind = "set_problem_kind";
    public const string SetFixed = "set_fixed";
    public const string RequestHuman = "request_human";
    public const string NotUnderstood = "not_understood";

    private const string NoArguments = """{"type":"object","properties":{},"additionalProperties":false}""";

    public static IReadOnlyList<AITool> All { get; } =
    [
        Declare(
            SetName,
            "Le client a donné son nom : prénom et nom tels qu'il les a dits, sans civilité (ni « monsieur » ni « madame »).",
            """{"type":"object","properties":{"name":{"type":"string","description":"Prénom et nom, par exemple « Jean Dupont »."}},"required":["name"],"additionalProperties":false}"""),
        Declare(
            SetPhoneNumber,
            "Le client a donné un numéro de téléphone français.",
            """{"type":"object","properties":{"digits":{"type":"string","description":"Les chiffres du numéro dans l'ordre, par exemple « 0612345678 »."}},"required":["digits"],"additionalProperties":false}"""),
        Declare(
            SetProblemKind,
            "Le problème du client concerne Internet (box, fibre, ADSL, Wi-Fi) ou le mobile (téléphone, réseau mobile, 4G/5G, SMS, appels).",
            """{"type":"object","properties":{"kind":{"type":"string","enum":["internet","mobile"]}},"required":["kind"],"additionalProperties":false}"""),
        Declare(
            SetFixed,
            "Le client dit si son problème est résolu (true : ça marche maintenant) ou non (false : ça ne marche toujours pas).",
            """{"type":"object","properties":{"fixed":{"type":"boolean"}},"required":["fixed"],"additionalProperties":false}"""),
        Declare(RequestHuman, "Le client demande à parler à un humain : un conseiller, un technicien, une vraie personne.", NoArguments),
        Declare(NotUnderstood, "Ce que dit le client ne répond pas à la question, ou est incompréhensible.", NoArguments),
    ];

    private static AIFunctionDeclaration Declare(string name, string description, string parametersSchema)
    {
        using var document = JsonDocument.Parse(parametersSchema);
        return AIFunctionFactory.CreateDeclaration(name, description, document.RootElement.Clone());
    }
}
