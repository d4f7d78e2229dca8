namespace Voicebot.Abstractions.Calls;

/// <summary>
/// One inbound event on a call's media stream: caller audio or a DTMF digit. The gateway copies audio out of
/// its socket buffer into <see cref="Audio"/>, which is never mutated afterwards.
/// </summary>
/// <param name="Kind">Audio or DTMF.</param>
/// <param name="Sequence">Per-call sequence number, from 0, so a consumer can spot loss or reordering.</param>
/// <param name="Audio">Signed 16-bit little-endian PCM (audio only).</param>
/// <param name="SampleRate">Hz (audio only).</param>
/// <param name="Digit">The ASCII digit (DTMF only): 0-9, *, #, A-D.</param>
/// <param name="SkippedSamples">Caller samples the gateway kept back just before this event, the grain not needing
/// them (<see cref="InboundAudioDemand"/>); their sequence numbers are missing from the stream.</param>
[GenerateSerializer, Immutable, Alias("voicebot.inbound-media")]
public sealed record InboundMedia(
    [property: Id(0)] InboundMediaKind Kind,
    [property: Id(1)] long Sequence,
    [property: Id(2)] byte[]? Audio,
    [property: Id(3)] int SampleRate,
    [property: Id(4)] char Digit,
    [property: Id(5)] int SkippedSamples = 0)
{
    public static InboundMedia ForAudio(long sequence, byte[] audio, int sampleRate, int skippedSamples = 0) =>
        new(InboundMediaKind.Audio, sequence, audio, sampleRate, '\0', skippedSamples);

    public static InboundMedia ForDtmf(long sequence, char digit) => new(InboundMediaKind.Dtmf, sequence, null, 0, digit);
}

[GenerateSerializer, Alias("voicebot.inbound-media-kind")]
public enum InboundMediaKind
{
    Audio = 0,
    Dtmf = 1,
}
