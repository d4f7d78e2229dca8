namespace Voicebot.Abstractions;

/// <summary>Orleans stream provider and namespaces shared by the gateway and the grains.</summary>
public static class StreamNames
{
    /// <summary>The stream provider that carries inbound media (in-process queues in the product; memory streams in grain tests).</summary>
    public const string Provider = "voicebot";

    /// <summary>Namespace of the per-call inbound media stream (audio frames and DTMF), keyed by the call id.</summary>
    public const string CallMedia = "call-media";
}
