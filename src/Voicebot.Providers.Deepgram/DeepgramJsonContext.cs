using System.Text.Json.Serialization;

namespace Voicebot.Providers.Deepgram;

/// <summary>Source-generated (de)serialization of the Deepgram messages we read and the request bodies we write.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ListenResults))]
[JsonSerializable(typeof(ListenSpeechStarted))]
[JsonSerializable(typeof(ListenUtteranceEnd))]
[JsonSerializable(typeof(ListenMetadata))]
[JsonSerializable(typeof(ListenError))]
[JsonSerializable(typeof(SpeakRequest))]
[JsonSerializable(typeof(SpeakError))]
internal sealed partial class DeepgramJsonContext : JsonSerializerContext
{
}

// Field names from the Deepgram .NET SDK models (Listen v2 WebSocket: ResultResponse, SpeechStartedResponse,
// UtteranceEndResponse, MetadataResponse, ErrorResponse); unknown fields are ignored.
internal sealed record ListenResults(bool IsFinal, bool SpeechFinal, bool FromFinalize, double Start, double Duration, ListenChannel? Channel);

internal sealed record ListenChannel(IReadOnlyList<ListenAlternative>? Alternatives);

internal sealed record ListenAlternative(string? Transcript, double Confidence);

internal sealed record ListenSpeechStarted(double Timestamp);

internal sealed record ListenUtteranceEnd(double LastWordEnd);

internal sealed record ListenMetadata(string? RequestId, double Duration);

internal sealed record ListenError(string? Description, string? Message, string? Variant);

internal sealed record SpeakRequest(string Text);

// Deepgram REST errors: {"err_code":…,"err_msg":…,"request_id":…}; older ones {"category":…,"message":…,"reason":…}.
internal sealed record SpeakError(string? ErrCode, string? ErrMsg, string? Message, string? Reason);
