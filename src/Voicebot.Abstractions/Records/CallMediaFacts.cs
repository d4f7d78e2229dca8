namespace Voicebot.Abstractions.Records;

/// <summary>
/// What only the gateway knows about a finished call, handed to the call grain to complete its record: when each
/// playback item reached the gateway and when its first frame went out on the wire, and where the recording is.
/// </summary>
/// <param name="PlaybackQueued">Playback id → when the gateway received its first chunk.</param>
/// <param name="PlaybackStarted">Playback id → when its first frame was written to the socket.</param>
/// <param name="RecordingPath">The call's stereo WAV, when recorded.</param>
/// <param name="EndedAt">When the connection ended.</param>
[GenerateSerializer, Immutable, Alias("voicebot.call-media-facts")]
public sealed record CallMediaFacts(
    [property: Id(0)] IReadOnlyDictionary<int, DateTimeOffset> PlaybackQueued,
    [property: Id(1)] IReadOnlyDictionary<int, DateTimeOffset> PlaybackStarted,
    [property: Id(2)] string? RecordingPath,
    [property: Id(3)] DateTimeOffset EndedAt)
{
    /// <summary>No playback, no recording: a call that ended before the bot said anything.</summary>
    public static CallMediaFacts None(DateTimeOffset endedAt) => new(new Dictionary<int, DateTimeOffset>(), new Dictionary<int, DateTimeOffset>(), null, endedAt);
}
