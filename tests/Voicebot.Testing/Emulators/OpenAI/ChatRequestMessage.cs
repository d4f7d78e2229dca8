namespace Voicebot.Testing.Emulators.OpenAI;

/// <summary>One message of a <see cref="ChatRequest"/>.</summary>
public sealed record ChatRequestMessage(string Role, string? Content);
