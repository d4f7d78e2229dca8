using System.Text.Json;

namespace Voicebot.Testing.Emulators.OpenAI;

/// <summary>What <see cref="OpenAISpeechEmulator"/> answers to one request: audio (a tone by default), or a failure.</summary>
public sealed record EmulatedSpeech
{
    /// <summary>The PCM body; <see langword="null"/> = <see cref="OpenAISpeechEmulator.RenderPcm"/> of the input.</summary>
    public byte[]? Pcm { get; init; }

    /// <summary>HTTP status; anything but 200 sends <see cref="ErrorBody"/>.</summary>
    public int Status { get; init; } = 200;

    public string? ErrorBody { get; init; }

    /// <summary>Accept the request and never send a byte, not even the headers.</summary>
    public bool HangBeforeFirstByte { get; init; }

    /// <summary>Abort the connection after this many body chunks.</summary>
    public int? DropAfterChunks { get; init; }

    /// <summary>The input rendered as a tone (the default reply).</summary>
    public static EmulatedSpeech Tone { get; } = new();

    /// <summary>An OpenAI-style error: <c>{"error":{"message","type","param":null,"code"}}</c>.</summary>
    public static EmulatedSpeech Error(int status, string? code, string message, string type = "invalid_request_error") => new()
    {
        Status = status,
        ErrorBody = JsonSerializer.Serialize(new { error = new { message, type, param = (string?)null, code } }),
    };

    public static EmulatedSpeech Hang() => new() { HangBeforeFirstByte = true };

    /// <summary>The tone, but the connection is aborted after <paramref name="chunks"/> chunks.</summary>
    public static EmulatedSpeech DropAfter(int chunks) => new() { DropAfterChunks = chunks };
}
