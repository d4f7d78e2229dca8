namespace Voicebot.Abstractions.Calls;

/// <summary>
/// One telephone call, keyed by the AudioSocket UUID. Owns the conversation state machine and the history.
/// Inbound audio and DTMF arrive on the <see cref="StreamNames.CallMedia"/> stream keyed by the same id.
/// </summary>
[Alias("voicebot.call")]
public interface ICallGrain : IGrainWithGuidKey
{
    /// <summary>Starts the conversation; outbound audio and the bot's hang-up go to <paramref name="sink"/>.</summary>
    [Alias("start")]
    Task StartAsync(CallStart start, ICallMediaSink sink);

    /// <summary>The gateway finished playing the item with this id (its last frame is on the wire).</summary>
    [Alias("playback-finished")]
    Task OnPlaybackFinishedAsync(int playbackId);

    /// <summary>
    /// The gateway's voice detector heard the caller speak over the bot and has already flushed the bot's audio.
    /// Runs even while a turn is in progress, so the turn's synthesis and language-model work can be cancelled.
    /// </summary>
    [Alias("barge-in"), AlwaysInterleave]
    Task OnBargeInAsync();

    /// <summary>Runs even while a turn is in progress, so a hang-up is never stuck behind a slow provider.</summary>
    [Alias("hang-up"), AlwaysInterleave]
    Task HangUpAsync(HangupReason reason);

    /// <summary>The outcome once the call has ended, else <see langword="null"/>.</summary>
    [Alias("outcome"), AlwaysInterleave]
    Task<CallOutcome?> GetOutcomeAsync();

    /// <summary>The current state, slots and history (for the CLI, the outcome endpoint and tests).</summary>
    [Alias("snapshot"), AlwaysInterleave]
    Task<CallSnapshot> GetSnapshotAsync();

    /// <summary>
    /// The call's record once it has ended (else <see langword="null"/>): outcome, slots, history, turn timings and
    /// provider errors. The gateway completes it with what only it knows (recording, frames on the wire) and stores it.
    /// </summary>
    [Alias("record"), AlwaysInterleave]
    Task<Records.CallRecord?> GetRecordAsync();

    /// <summary>
    /// The call is over on the gateway: completes the record with the gateway's <paramref name="media"/> facts
    /// (frames on the wire, recording), sends it to the record store once, and returns it (null if the call never ended).
    /// </summary>
    [Alias("complete-record")]
    Task<Records.CallRecord?> CompleteRecordAsync(Records.CallMediaFacts media);
}
