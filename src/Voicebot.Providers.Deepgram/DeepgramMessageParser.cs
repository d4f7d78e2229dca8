using System.Globalization;
using System.Text.Json;
using Voicebot.Abstractions.Speech;

namespace Voicebot.Providers.Deepgram;

internal enum DeepgramMessageType
{
    Unknown = 0,
    Results,
    SpeechStarted,
    UtteranceEnd,
    Metadata,
    Error,
}

/// <summary>Turns one <c>/v1/listen</c> text message into a <see cref="RecognitionUpdate"/>.</summary>
internal static class DeepgramMessageParser
{
    /// <summary>Parses a message; <see langword="null"/> for messages that are not updates (errors, unknown types).</summary>
    /// <exception cref="JsonException">Not JSON, or a known type with malformed fields.</exception>
    public static RecognitionUpdate? Parse(ReadOnlySpan<byte> json, out DeepgramMessageType type)
    {
        type = ReadType(json);
        var context = DeepgramJsonContext.Default;
        switch (type)
        {
            case DeepgramMessageType.Results:
                var results = JsonSerializer.Deserialize(json, context.ListenResults) ?? throw new JsonException("null Results");
                var alternatives = results.Channel?.Alternatives;
                var best = alternatives is { Count: > 0 } ? alternatives[0] : null;
                return new RecognitionUpdate(
                    RecognitionUpdateKind.Transcript,
                    best?.Transcript ?? string.Empty,
                    results.IsFinal,
                    results.SpeechFinal,
                    best?.Confidence ?? 0,
                    results.FromFinalize ? "from_finalize" : null);
            case DeepgramMessageType.SpeechStarted:
                var started = JsonSerializer.Deserialize(json, context.ListenSpeechStarted) ?? throw new JsonException("null SpeechStarted");
                return new RecognitionUpdate(RecognitionUpdateKind.SpeechStarted, Detail: Seconds("timestamp", started.Timestamp));
            case DeepgramMessageType.UtteranceEnd:
                var end = JsonSerializer.Deserialize(json, context.ListenUtteranceEnd) ?? throw new JsonException("null UtteranceEnd");
                return new RecognitionUpdate(RecognitionUpdateKind.UtteranceEnd, Detail: Seconds("last_word_end", end.LastWordEnd));
            case DeepgramMessageType.Metadata:
                var metadata = JsonSerializer.Deserialize(json, context.ListenMetadata) ?? throw new JsonException("null Metadata");
                return new RecognitionUpdate(RecognitionUpdateKind.Metadata, Detail: metadata.RequestId);
            default:
                return null;
        }
    }

    /// <summary>The <c>type</c> of a message, for logs.</summary>
    public static string TypeName(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            return FindType(ref reader) ?? "(none)";
        }
        catch (JsonException)
        {
            return "(unreadable)";
        }
    }

    /// <summary>The readable part of an error message (<c>description</c>, else <c>message</c>).</summary>
    public static string ErrorDescription(ReadOnlySpan<byte> json)
    {
        try
        {
            var error = JsonSerializer.Deserialize(json, DeepgramJsonContext.Default.ListenError);
            return error?.Description ?? error?.Message ?? "(no description)";
        }
        catch (JsonException)
        {
            return "(unreadable)";
        }
    }

    private static DeepgramMessageType ReadType(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A Deepgram message is a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return DeepgramMessageType.Unknown;
                }

                return reader.ValueTextEquals("Results"u8) ? DeepgramMessageType.Results
                    : reader.ValueTextEquals("SpeechStarted"u8) ? DeepgramMessageType.SpeechStarted
                    : reader.ValueTextEquals("UtteranceEnd"u8) ? DeepgramMessageType.UtteranceEnd
                    : reader.ValueTextEquals("Metadata"u8) ? DeepgramMessageType.Metadata
                    : reader.ValueTextEquals("Error"u8) ? DeepgramMessageType.Error
                    : DeepgramMessageType.Unknown;
            }

            reader.Read();
            reader.Skip();
        }

        return DeepgramMessageType.Unknown;
    }

    private static string? FindType(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            reader.Read();
            if (isType)
            {
                return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }

            reader.Skip();
        }

        return null;
    }

    private static string Seconds(string name, double value) =>
        string.Create(CultureInfo.InvariantCulture, $"{name}={value:0.###}");
}
