namespace Voicebot.Protocol.Client;

/// <summary>
/// Handles the server's messages for a client's receive loop (see <see cref="AudioSocketClientConnection"/>). Called
/// on the loop, one message after the other. A payload aliases the loop's buffer: copy what must outlive the call.
/// Return <see langword="false"/> to stop reading.
/// </summary>
public interface IAudioSocketInboundReceiver
{
    /// <summary>
    /// An audio message (kinds 0x10–0x18), with its payload as sent (not checked for length). <c>receivedAt</c> is when
    /// the read that brought it returned (<see cref="TimeProvider.GetTimestamp"/> of the connection's clock).
    /// </summary>
    bool OnAudio(AudioSocketKind kind, ReadOnlySpan<byte> payload, long receivedAt);

    /// <summary>The server's hang-up (<c>00 00 00</c>).</summary>
    bool OnHangup(long receivedAt);

    /// <summary>
    /// Any other defined kind: an error message (0xFF), or a UUID or DTMF message a server has no business sending.
    /// </summary>
    bool OnOtherMessage(AudioSocketKind kind, ReadOnlySpan<byte> payload, long receivedAt);
}
