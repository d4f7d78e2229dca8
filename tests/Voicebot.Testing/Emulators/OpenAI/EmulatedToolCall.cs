using System.Text.Json;

namespace Voicebot.Testing.Emulators.OpenAI;

/// <summary>A tool call the emulated model makes: a function name and its JSON arguments (streamed in fragments).</summary>
public sealed record EmulatedToolCall(string Name, string ArgumentsJson)
{
    /// <summary>A call whose arguments are <paramref name="arguments"/> serialized (an anonymous object, a dictionary…).</summary>
    public static EmulatedToolCall Of(string name, object? arguments = null) =>
        new(name, arguments is null ? "{}" : JsonSerializer.Serialize(arguments));
}
