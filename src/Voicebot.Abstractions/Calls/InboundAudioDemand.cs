namespace Voicebot.Abstractions.Calls;

/// <summary>
/// Which caller audio a call's grain needs on its media stream, told to the gateway through
/// <see cref="ICallMediaSink.SetInboundAudioAsync"/>. Every frame costs a hop through the stream and a turn of the
/// grain, and on a call the caller is quiet most of the time: frames far from any voice are of no use to the grain
/// (its recognizer does not hear them, its speech detector has settled), so the gateway keeps them back. Barge-in and
/// the call's recording are in the gateway and still see every frame.
/// </summary>
/// <param name="Everything">Every frame (a name being recorded, or a recognizer that hears the whole call).</param>
/// <param name="ThresholdDbfs">Otherwise: the frame level, in dBFS, from which a frame is voice.</param>
/// <param name="PreRoll">Audio kept from before the voice starts and published with it.</param>
/// <param name="Hangover">Audio still published after the last voiced frame.</param>
[GenerateSerializer, Immutable, Alias("voicebot.inbound-audio-demand")]
public sealed record InboundAudioDemand(
    [property: Id(0)] bool Everything,
    [property: Id(1)] double ThresholdDbfs,
    [property: Id(2)] TimeSpan PreRoll,
    [property: Id(3)] TimeSpan Hangover)
{
    /// <summary>Every frame: what the gateway publishes until the grain says otherwise.</summary>
    public static InboundAudioDemand All { get; } = new(true, 0, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>Frames from <paramref name="thresholdDbfs"/> up, with the audio around them.</summary>
    public static InboundAudioDemand NearVoice(double thresholdDbfs, TimeSpan preRoll, TimeSpan hangover)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(preRoll, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(hangover, TimeSpan.Zero);
        return new(false, thresholdDbfs, preRoll, hangover);
    }
}
