namespace Voicebot.Protocol.Client;

/// <summary>
/// What a client's paced send loop sends (see <see cref="AudioSocketClientConnection.RunPacedSendLoopAsync"/>). Both
/// methods are called on the loop, one tick after the other, never concurrently.
/// </summary>
public interface IAudioSocketOutboundSource
{
    /// <summary>
    /// Chooses this tick's frame. For <see cref="AudioSocketOutboundAction.Audio"/>, writes the 20 ms of audio into
    /// <paramref name="payload"/> (its previous content is the last frame sent).
    /// </summary>
    /// <param name="frameIndex">Ticks since the loop started, from 0 (a schedule restart does not reset it).</param>
    /// <param name="payload">The audio frame's payload, exactly one frame of the loop's kind.</param>
    AudioSocketOutboundFrame NextFrame(long frameIndex, Span<byte> payload);

    /// <summary>Called once the tick's frame has been written to the socket (at once when nothing was to be sent).</summary>
    /// <param name="frame">What <see cref="NextFrame"/> returned.</param>
    /// <param name="writtenAt">When the write completed (<see cref="TimeProvider.GetTimestamp"/> of the connection's clock).</param>
    void OnFrameWritten(AudioSocketOutboundFrame frame, long writtenAt);
}
