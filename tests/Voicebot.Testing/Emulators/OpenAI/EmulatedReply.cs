namespace Voicebot.Testing.Emulators.OpenAI;

/// <summary>What <see cref="OpenAIChatEmulator"/> answers to one request: text and/or tool calls, or a failure.</summary>
public sealed record EmulatedReply
{
    /// <summary>Assistant text, streamed token by token in <c>delta.content</c>.</summary>
    public string? Text { get; init; }

    /// <summary>Tool calls, streamed in <c>delta.tool_calls</c> with arguments split across chunks.</summary>
    public IReadOnlyList<EmulatedToolCall> ToolCalls { get; init; } = [];

    /// <summary>HTTP status; anything but 200 sends <see cref="ErrorBody"/> instead of a stream.</summary>
    public int Status { get; init; } = 200;

    /// <summary>The JSON error body of a failed status (OpenAI shape <c>{"error":{…}}</c>).</summary>
    public string? ErrorBody { get; init; }

    /// <summary>Accept the request and never send a byte, not even the headers.</summary>
    public bool HangBeforeFirstByte { get; init; }

    /// <summary>Abort the connection after this many SSE chunks (headers and chunks already sent stay sent).</summary>
    public int? DropAfterChunks { get; init; }

    /// <summary>Overrides <see cref="OpenAIChatEmulator.FirstTokenLatency"/> for this reply.</summary>
    public TimeSpan? FirstTokenLatency { get; init; }

    /// <summary>Overrides <see cref="OpenAIChatEmulator.TokensPerSecond"/> for this reply.</summary>
    public double? TokensPerSecond { get; init; }

    public static EmulatedReply Say(string text) => new() { Text = text };

    public static EmulatedReply Call(string name, object? arguments = null) => new() { ToolCalls = [EmulatedToolCall.Of(name, arguments)] };

    public static EmulatedReply Calls(params EmulatedToolCall[] calls) => new() { ToolCalls = calls };

    /// <summary>An OpenAI-style error: <c>{"error":{"message","type","param":null,"code"}}</c>.</summary>
    public static EmulatedReply Error(int status, string code, string message, string type = "invalid_request_error") => new()
    {
        Status = status,
        ErrorBody = System.Text.Json.JsonSerializer.Serialize(new { error = new { message, type, param = (string?)null, code } }),
    };

    /// <summary>Groq's answer for a retired model: 400 <c>model_decommissioned</c>.</summary>
    public static EmulatedReply ModelDecommissioned(string model) => Error(
        400,
        "model_decommissioned",
        $"The model `{model}` has been decommissioned and is no longer supported. Please refer to https://console.groq.com/docs/deprecations for a recommendation on which model to use instead.");

    /// <summary>A 404 <c>model_not_found</c>.</summary>
    public static EmulatedReply ModelNotFound(string model) => Error(
        404,
        "model_not_found",
        $"The model `{model}` does not exist or you do not have access to it.");

    public static EmulatedReply Hang() => new() { HangBeforeFirstByte = true };

    /// <summary>This reply, but the connection is aborted after <paramref name="chunks"/> SSE chunks.</summary>
    public EmulatedReply DroppingAfter(int chunks) => this with { DropAfterChunks = chunks };
}
