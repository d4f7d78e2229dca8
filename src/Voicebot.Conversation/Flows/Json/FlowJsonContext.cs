using System.Text.Json;
using System.Text.Json.Serialization;

namespace Voicebot.Conversation.Flows.Json;

/// <summary>Source-generated reading of flow files. A typo in a member name fails at start-up rather than being ignored.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    // Reading a JsonElement re-reads its source text, so these match FlowLoader's document options.
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    RespectNullableAnnotations = true,
    // A state's "expect" may come after its other members (people edit these files by hand).
    AllowOutOfOrderMetadataProperties = true)]
[JsonSerializable(typeof(FlowDocument))]
internal sealed partial class FlowJsonContext : JsonSerializerContext
{
}
