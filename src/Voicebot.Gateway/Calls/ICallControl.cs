using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Phrases;
using Voicebot.Abstractions.Records;

namespace Voicebot.Gateway.Calls;

/// <summary>
/// What the gateway needs from the control plane (the call grains), so the socket side can be tested without Orleans.
/// Implementations are thread-safe: different calls use it concurrently; one call's methods are invoked in order.
/// </summary>
public interface ICallControl
{
    /// <summary>
    /// Starts the call. The control plane plays audio and hangs up through <paramref name="media"/>, which may be used
    /// before this returns. Every started call is later ended with <see cref="EndCallAsync"/>, even if this throws.
    /// </summary>
    Task StartCallAsync(Guid callId, CallStart start, ICallMediaSink media, CancellationToken cancellationToken = default);

    /// <summary>
    /// Publishes one inbound audio frame or DTMF digit. The gateway awaits it before reading on (backpressure); the
    /// token is cancelled when the connection ends. <see cref="InboundMedia.Audio"/> is owned by the callee.
    /// </summary>
    ValueTask PublishAsync(Guid callId, InboundMedia media, CancellationToken cancellationToken = default);

    /// <summary>The last frame of playback <paramref name="playbackId"/> has been written to the socket.</summary>
    Task PlaybackFinishedAsync(Guid callId, int playbackId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The caller spoke over the bot and the gateway has already flushed the call's outbound audio (barge-in). The
    /// gateway does not await this on its read path; failures are logged. The token is cancelled when the call ends.
    /// </summary>
    Task BargeInAsync(Guid callId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The connection has ended. <paramref name="reason"/> is <see langword="null"/> when the control plane asked for the
    /// hang-up itself (<see cref="ICallMediaSink.HangUpAsync"/>) and it was carried out; then there is nothing to
    /// report, only resources to release. <paramref name="media"/> completes the call's record.
    /// </summary>
    Task EndCallAsync(Guid callId, HangupReason? reason, CallMediaFacts media, CancellationToken cancellationToken = default);

    /// <summary>A pre-rendered phrase (the busy message for refused calls).</summary>
    /// <exception cref="KeyNotFoundException">No phrase has this key.</exception>
    Task<PhraseAudio> GetPhraseAsync(string phraseKey, int sampleRate, CancellationToken cancellationToken = default);
}
