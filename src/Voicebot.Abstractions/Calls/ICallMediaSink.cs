namespace Voicebot.Abstractions.Calls;

/// <summary>
/// The media side of one call, implemented by the gateway that holds the caller's socket. Calls to one
/// observer run one at a time, in order. The gateway paces what it is given at one frame per 20 ms.
/// </summary>
[Alias("voicebot.call-media-sink")]
public interface ICallMediaSink : IGrainObserver
{
    /// <summary>Queues audio after whatever is already queued. Returns at once; playback is paced.</summary>
    [Alias("play")]
    Task PlayAsync(PlaybackItem item);

    /// <summary>Drops every queued item at once (barge-in). The frame on the wire finishes; nothing else plays.</summary>
    [Alias("flush")]
    Task FlushAsync();

    /// <summary>Sends the AudioSocket hang-up once the queued audio has played, then closes the connection.</summary>
    [Alias("hang-up")]
    Task HangUpAsync();

    /// <summary>
    /// Which caller frames the grain needs from now on (<see cref="InboundAudioDemand.All"/> until this is called).
    /// Frames kept back are counted in <see cref="InboundMedia.SkippedSamples"/> of the next event.
    /// </summary>
    [Alias("inbound-audio")]
    Task SetInboundAudioAsync(InboundAudioDemand demand);
}
