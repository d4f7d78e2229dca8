namespace Voicebot.Bench.Streams;

/// <summary>The benchmark's stand-in for <c>CallGrain</c>: consumes one call's media stream, keyed by the call id.</summary>
[Alias("voicebot.bench.media-probe")]
public interface IMediaProbeGrain : IGrainWithGuidKey
{
    /// <summary>Activates the grain (and so its subscription) before the call publishes, as <c>StartAsync</c> does for a call.</summary>
    [Alias("ready")]
    Task ReadyAsync();
}
