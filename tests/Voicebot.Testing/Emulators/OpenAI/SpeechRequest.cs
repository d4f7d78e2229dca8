using System.Text.Json;

namespace Voicebot.Testing.Emulators.OpenAI;

/// <summary>An <c>/audio/speech</c> request as <see cref="OpenAISpeechEmulator"/> received it.</summary>
public sealed class SpeechRequest
{
    internal SpeechRequest(string path, JsonElement body, IReadOnlyDictionary<string, string> headers)
    {
        Path = path;
        Body = body;
        Headers = headers;
        Model = ReadString(body, "model");
        Input = ReadString(body, "input");
        Voice = ReadString(body, "voice");
        ResponseFormat = ReadString(body, "response_format");
        Speed = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("speed", out var speed) && speed.ValueKind == JsonValueKind.Number
            ? speed.GetDouble()
            : null;
    }

    /// <summary>The request path, e.g. <c>/v1/audio/speech</c>.</summary>
    public string Path { get; }

    /// <summary>The whole JSON body.</summary>
    public JsonElement Body { get; }

    /// <summary>Request headers (case-insensitive names).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    public string? Model { get; }

    public string? Input { get; }

    public string? Voice { get; }

    /// <summary><c>response_format</c>; absent means mp3 at OpenAI.</summary>
    public string? ResponseFormat { get; }

    public double? Speed { get; }

    /// <summary>The <c>Authorization</c> header, e.g. <c>Bearer sk-…</c>.</summary>
    public string? Authorization => Headers.TryGetValue("Authorization", out var value) ? value : null;

    private static string? ReadString(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
