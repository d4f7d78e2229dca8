using System.Text.Json;

namespace Voicebot.Testing.Emulators.OpenAI;

/// <summary>A chat completions request as <see cref="OpenAIChatEmulator"/> received it.</summary>
public sealed class ChatRequest
{
    internal ChatRequest(string path, JsonElement body, IReadOnlyDictionary<string, string> headers)
    {
        Path = path;
        Body = body;
        Headers = headers;
        Model = ReadString(body, "model");
        Stream = body.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True;
        IncludeUsage = body.TryGetProperty("stream_options", out var streamOptions)
            && streamOptions.ValueKind == JsonValueKind.Object
            && streamOptions.TryGetProperty("include_usage", out var includeUsage)
            && includeUsage.ValueKind == JsonValueKind.True;

        var messages = new List<ChatRequestMessage>();
        if (body.TryGetProperty("messages", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in array.EnumerateArray())
            {
                messages.Add(new ChatRequestMessage(ReadString(message, "role") ?? string.Empty, ReadContent(message)));
            }
        }

        Messages = messages;
        var tools = new List<ChatRequestTool>();
        if (body.TryGetProperty("tools", out var toolArray) && toolArray.ValueKind == JsonValueKind.Array)
        {
            foreach (var tool in toolArray.EnumerateArray())
            {
                if (tool.TryGetProperty("function", out var function))
                {
                    tools.Add(new ChatRequestTool(
                        ReadString(function, "name") ?? string.Empty,
                        ReadString(function, "description"),
                        function.TryGetProperty("parameters", out var parameters) ? parameters : default));
                }
            }
        }

        Tools = tools;
        ToolChoice = body.TryGetProperty("tool_choice", out var choice)
            ? choice.ValueKind == JsonValueKind.String ? choice.GetString() : choice.GetRawText()
            : null;
    }

    /// <summary>The request path, e.g. <c>/v1/chat/completions</c>.</summary>
    public string Path { get; }

    /// <summary>The whole JSON body.</summary>
    public JsonElement Body { get; }

    /// <summary>Request headers (case-insensitive names; multiple values joined with commas).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    public string? Model { get; }

    public bool Stream { get; }

    /// <summary>Whether <c>stream_options.include_usage</c> asked for a final usage chunk.</summary>
    public bool IncludeUsage { get; }

    public IReadOnlyList<ChatRequestMessage> Messages { get; }

    public IReadOnlyList<ChatRequestTool> Tools { get; }

    /// <summary><c>tool_choice</c>: <c>auto</c>, <c>required</c>, <c>none</c>, or the raw JSON of a named choice.</summary>
    public string? ToolChoice { get; }

    /// <summary>The <c>Authorization</c> header, e.g. <c>Bearer sk-…</c>.</summary>
    public string? Authorization => Headers.TryGetValue("Authorization", out var value) ? value : null;

    /// <summary>The first <c>system</c> (or <c>developer</c>) message's text.</summary>
    public string? SystemPrompt => Messages.FirstOrDefault(m => m.Role is "system" or "developer")?.Content;

    /// <summary>The last <c>user</c> message's text.</summary>
    public string? UserText => Messages.LastOrDefault(m => m.Role == "user")?.Content;

    private static string? ReadString(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    // content is a string, or an array of parts ({"type":"text","text":"…"}).
    private static string? ReadContent(JsonElement message)
    {
        if (!message.TryGetProperty("content", out var content))
        {
            return null;
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString();
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var texts = new List<string>();
        foreach (var part in content.EnumerateArray())
        {
            if (ReadString(part, "text") is { } text)
            {
                texts.Add(text);
            }
        }

        return string.Concat(texts);
    }
}
