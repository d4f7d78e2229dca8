using System.Buffers;

namespace Voicebot.Protocol;

/// <summary>Parses AudioSocket messages out of a byte sequence without allocating.</summary>
public static class AudioSocketFrameReader
{
    /// <summary>Header size: kind (1 byte) + payload length (uint16, big-endian).</summary>
    public const int HeaderSize = 3;

    /// <summary>
    /// Reads one message and slices it off <paramref name="buffer"/>. Returns <see langword="false"/> and leaves
    /// <paramref name="buffer"/> untouched while the message is incomplete.
    /// </summary>
    /// <exception cref="AudioSocketProtocolException">
    /// The kind is not one Asterisk defines, or the declared payload is larger than <paramref name="maxPayloadBytes"/>.
    /// Both are detected from the header alone, before the payload arrives.
    /// </exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxPayloadBytes, out AudioSocketFrame frame)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryRead(out var kind))
        {
            frame = default;
            return false;
        }

        if (!AudioSocketKinds.IsDefined(kind))
        {
            throw new AudioSocketProtocolException(AudioSocketViolation.UnknownKind, $"Unknown message kind 0x{kind:X2}.");
        }

        // SequenceReader has no ushort overload: read a short and reinterpret (res_audiosocket.c uses ntohs).
        if (!reader.TryReadBigEndian(out short rawLength))
        {
            frame = default;
            return false;
        }

        var length = (ushort)rawLength;
        if (length > maxPayloadBytes)
        {
            throw new AudioSocketProtocolException(
                AudioSocketViolation.PayloadTooLarge,
                $"Payload of {length} bytes (kind 0x{kind:X2}) exceeds the {maxPayloadBytes}-byte limit.");
        }

        if (reader.Remaining < length)
        {
            frame = default;
            return false;
        }

        var payload = buffer.Slice(reader.Position, length);
        frame = new AudioSocketFrame((AudioSocketKind)kind, payload);
        buffer = buffer.Slice(payload.End);
        return true;
    }
}
