using System.Buffers;
using System.Buffers.Binary;

namespace Voicebot.Protocol;

/// <summary>
/// Writes AudioSocket messages. Header and payload go into one contiguous span so they leave in one send:
/// Asterisk versions before 20.19/22.9 mishandled a header split from its payload.
/// </summary>
public static class AudioSocketFrameWriter
{
    /// <summary>The hang-up message: kind 0x00, length 0.</summary>
    public static ReadOnlyMemory<byte> Hangup { get; } = new byte[] { 0x00, 0x00, 0x00 };

    /// <summary>Bytes needed for a message with this payload length.</summary>
    public static int FrameSize(int payloadLength) => AudioSocketFrameReader.HeaderSize + payloadLength;

    /// <summary>Writes the 3-byte header into <paramref name="destination"/>.</summary>
    public static void WriteHeader(Span<byte> destination, AudioSocketKind kind, int payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadLength, ushort.MaxValue);
        destination[0] = (byte)kind;
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], (ushort)payloadLength);   // length is big-endian
    }

    /// <summary>Writes a whole message (header + payload) into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, AudioSocketKind kind, ReadOnlySpan<byte> payload)
    {
        WriteHeader(destination, kind, payload.Length);
        payload.CopyTo(destination[AudioSocketFrameReader.HeaderSize..]);   // samples stay little-endian
        return FrameSize(payload.Length);
    }

    /// <summary>Writes a whole message into <paramref name="writer"/> as one contiguous span.</summary>
    public static void Write(IBufferWriter<byte> writer, AudioSocketKind kind, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var size = FrameSize(payload.Length);
        var span = writer.GetSpan(size);
        Write(span, kind, payload);
        writer.Advance(size);
    }

    /// <summary>Writes the UUID message Asterisk sends first (used by the simulated caller).</summary>
    public static void WriteUuid(IBufferWriter<byte> writer, Guid callId)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> uuid = stackalloc byte[16];
        callId.TryWriteBytes(uuid, bigEndian: true, out _);   // RFC 4122 byte order, as uuid_parse produces
        Write(writer, AudioSocketKind.Uuid, uuid);
    }

    /// <summary>Writes one DTMF message (used by the simulated caller).</summary>
    public static void WriteDtmf(IBufferWriter<byte> writer, char digit)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (!AudioSocketPayload.IsDtmfDigit(digit))
        {
            throw new ArgumentOutOfRangeException(nameof(digit), digit, "Not a DTMF digit.");
        }

        ReadOnlySpan<byte> payload = [(byte)digit];
        Write(writer, AudioSocketKind.Dtmf, payload);
    }
}
