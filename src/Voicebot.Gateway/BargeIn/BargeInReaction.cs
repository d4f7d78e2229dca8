namespace Voicebot.Gateway.BargeIn;

/// <summary>What one barge-in did, recorded by the call's session when it flushed the bot's audio.</summary>
/// <param name="InboundSequence">Sequence number of the inbound frame that completed the caller's speech run.</param>
/// <param name="OutboundFrame">
/// Bot frames written before the flush; every frame written from this index on carries silence (or the next phrase).
/// </param>
/// <param name="PlaybackId">The playback that was cut, or <see langword="null"/> when only a stream's next chunk was awaited.</param>
/// <param name="FlushedBytes">Bot audio dropped, in bytes (320 per 20 ms at 8 kHz).</param>
internal sealed record BargeInReaction(long InboundSequence, long OutboundFrame, int? PlaybackId, int FlushedBytes);
