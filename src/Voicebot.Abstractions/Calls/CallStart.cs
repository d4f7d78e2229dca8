namespace Voicebot.Abstractions.Calls;

/// <summary>What the gateway knows when a call begins.</summary>
/// <param name="SampleRate">The call's rate in Hz, from the first inbound audio kind (8000 for kind 0x10).</param>
/// <param name="ConnectedAt">When the AudioSocket connection was accepted.</param>
/// <param name="RemoteEndPoint">The Asterisk side of the socket, for the logs.</param>
/// <param name="GatewaySilo">The silo whose gateway holds the socket.</param>
/// <param name="RecordingPath">The stereo recording the gateway writes, linked from the call's record from its first draft.</param>
[GenerateSerializer, Immutable, Alias("voicebot.call-start")]
public sealed record CallStart(
    [property: Id(0)] int SampleRate,
    [property: Id(1)] DateTimeOffset ConnectedAt,
    [property: Id(2)] string? RemoteEndPoint,
    [property: Id(3)] string? GatewaySilo = null,
    [property: Id(4)] string? RecordingPath = null);
