namespace Voicebot.Testing.Emulators.Deepgram;

/// <summary>One <c>POST /v1/speak</c> seen by <see cref="DeepgramSpeakEmulator"/>.</summary>
public sealed record DeepgramSpeakRequest(IReadOnlyDictionary<string, string> Query, string? Authorization, string? Text);
