using System.Text.Json;
using System.Text.Json.Serialization;
using Voicebot.Abstractions.Records;

namespace Voicebot.Records.Storage;

/// <summary>The JSON form of a record, shared by the stores' record column and the spool files.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    // A torn or foreign file must fail to read rather than give a record with missing fields.
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(CallRecord))]
internal sealed partial class CallRecordJsonContext : JsonSerializerContext
{
}

/// <summary>Serializes call records with the source-generated context.</summary>
internal static class CallRecordJson
{
    public static string Serialize(CallRecord record) => JsonSerializer.Serialize(record, CallRecordJsonContext.Default.CallRecord);

    public static byte[] SerializeToUtf8(CallRecord record) => JsonSerializer.SerializeToUtf8Bytes(record, CallRecordJsonContext.Default.CallRecord);

    /// <summary>Reads a record; throws <see cref="JsonException"/> on torn or foreign content.</summary>
    public static CallRecord Deserialize(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize(utf8, CallRecordJsonContext.Default.CallRecord) ?? throw new JsonException("The record is null.");

    /// <inheritdoc cref="Deserialize(ReadOnlySpan{byte})"/>
    public static CallRecord Deserialize(string json) =>
        JsonSerializer.Deserialize(json, CallRecordJsonContext.Default.CallRecord) ?? throw new JsonException("The record is null.");
}
