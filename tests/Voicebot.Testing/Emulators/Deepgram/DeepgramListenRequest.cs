namespace Voicebot.Testing.Emulators.Deepgram;

/// <summary>One handshake seen by <see cref="DeepgramListenEmulator"/>: path, query parameters and the Authorization header.</summary>
public sealed record DeepgramListenRequest(string Path, IReadOnlyDictionary<string, string> Query, string? Authorization);
