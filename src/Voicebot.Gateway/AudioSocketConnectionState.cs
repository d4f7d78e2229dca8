using Microsoft.AspNetCore.Connections;
using Voicebot.Abstractions.Calls;
using Voicebot.Gateway.Calls;
using Voicebot.Protocol;

namespace Voicebot.Gateway;

/// <summary>Where one AudioSocket connection stands: waiting for its UUID, for its first audio, or carrying a call.</summary>
internal enum ConnectionPhase
{
    AwaitingUuid,
    AwaitingFirstAudio,
    Active,
}

/// <summary>
/// What one AudioSocket connection has established so far (<see cref="AudioSocketConnectionHandler"/>): its call, the
/// admission, the session once the first audio (or key) came, and why it ended. Owned by the connection's read loop.
/// </summary>
internal sealed class AudioSocketConnectionState(ConnectionContext transport, DateTimeOffset connectedAt, ReadDeadline deadline)
{
    private InboundMediaPublisher? _inbound;
    private AudioSocketInboundValidator _validator;   // a mutable struct: kept in a field, never copied

    public ConnectionContext Transport { get; } = transport;

    public DateTimeOffset ConnectedAt { get; } = connectedAt;

    /// <summary>The UUID, first-audio and idle timeouts, one at a time.</summary>
    public ReadDeadline Deadline { get; } = deadline;

    /// <summary>The UUID the connection announced, once validated.</summary>
    public Guid AnnouncedCallId => _validator.CallId.GetValueOrDefault();

    public ConnectionPhase Phase { get; set; } = ConnectionPhase.AwaitingUuid;

    public Guid CallId { get; set; }

    public CallAdmission? Admission { get; set; }

    public CallSession? Session { get; set; }

    /// <summary>Why the connection ended, for the call's record (null: the bot hung up).</summary>
    public HangupReason? EndReason { get; set; } = HangupReason.CallerHungUp;

    /// <summary>The call's logging scope, from its UUID on.</summary>
    public IDisposable? Scope { get; set; }

    /// <summary>Checks a frame against the AudioSocket rules (order, sizes, kinds); throws on a violation.</summary>
    public void Validate(in AudioSocketFrame frame) => _validator.Validate(frame);

    public void AwaitFirstAudio(TimeSpan timeout)
    {
        Phase = ConnectionPhase.AwaitingFirstAudio;
        Deadline.Arm(timeout);
    }

    /// <summary>The admitted call's way to its grain's stream, created with the session.</summary>
    public InboundMediaPublisher Inbound(CallSession session, ICallControl control, AudioSocketOptions settings) =>
        _inbound ??= new InboundMediaPublisher(session, control, settings.InboundFramesPerEvent);
}
