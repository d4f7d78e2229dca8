using System.Buffers;

namespace Voicebot.Protocol;

/// <summary>
/// The rules for what Asterisk may send, in order: one 16-byte UUID first, then audio (non-empty, whole samples)
/// and DTMF. One instance per connection; not thread-safe.
/// </summary>
public struct AudioSocketInboundValidator
{
    /// <summary>The call id, once the UUID message has been seen.</summary>
    public Guid? CallId { get; private set; }

    /// <summary>
    /// Checks <paramref name="frame"/> against the connection's state; on a UUID, records the call id.
    /// </summary>
    /// <exception cref="AudioSocketProtocolException">The frame breaks a rule; hang up the connection.</exception>
    public void Validate(in AudioSocketFrame frame)
    {
        switch (frame.Kind)
        {
            case AudioSocketKind.Uuid:
                if (CallId is not null)
                {
                    throw new AudioSocketProtocolException(AudioSocketViolation.SecondUuid, "A second UUID message arrived on the same connection.");
                }

                CallId = AudioSocketPayload.ReadCallId(frame.Payload);
                return;

            case AudioSocketKind.Dtmf:
                RequireUuid(frame.Kind);
                AudioSocketPayload.ReadDtmf(frame.Payload);
                return;

            case AudioSocketKind.Hangup:
                return;

            case AudioSocketKind.Error:
                throw new AudioSocketProtocolException(AudioSocketViolation.UnexpectedKind, "The peer sent an error message (kind 0xFF).");

            default:
                if (!frame.Kind.IsAudio())
                {
                    throw new AudioSocketProtocolException(AudioSocketViolation.UnknownKind, $"Unknown message kind 0x{(byte)frame.Kind:X2}.");
                }

                RequireUuid(frame.Kind);
                ValidateAudio(frame.Payload);
                return;
        }
    }

    private readonly void RequireUuid(AudioSocketKind kind)
    {
        if (CallId is null)
        {
            throw new AudioSocketProtocolException(AudioSocketViolation.MediaBeforeUuid, $"Message of kind 0x{(byte)kind:X2} arrived before the UUID.");
        }
    }

    private static void ValidateAudio(ReadOnlySequence<byte> payload)
    {
        if (payload.IsEmpty)
        {
            throw new AudioSocketProtocolException(AudioSocketViolation.EmptyAudio, "Audio message with an empty payload.");
        }

        if (payload.Length % 2 != 0)
        {
            throw new AudioSocketProtocolException(AudioSocketViolation.OddAudioLength, $"Audio payload of {payload.Length} bytes is not a whole number of 16-bit samples.");
        }
    }
}
