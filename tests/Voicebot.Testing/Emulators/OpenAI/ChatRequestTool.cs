using System.Text.Json;

namespace Voicebot.Testing.Emulators.OpenAI;

/// <summary>One function tool of a <see cref="ChatRequest"/>.</summary>
public sealed record ChatRequestTool(string Name, string? Description, JsonElement Parameters);
