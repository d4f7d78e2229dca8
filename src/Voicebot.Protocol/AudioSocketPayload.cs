using System.Buffers;

namespace Voicebot.Protocol;

/// <summary>Decodes the payloads of the non-audio kinds.</summary>
public static class AudioSocketPayload
{
    /// <summary>Length of the UUID payload.</summary>
    public const int UuidLength = 16;

    /// <summary>Reads the call id from a UUID payload (RFC 4122 byte order, as Asterisk's <c>uuid_parse</c> produces).</summary>
    /// <exception cref="AudioSocketProtocolException">The payload is not 16 bytes.</exception>
    public static Guid ReadCallId(ReadOnlySequence<byte> payload)
    {
        if (payload.Length != UuidLength)
        {
            throw new AudioSocketProtocolException(AudioSocketViolation.UuidLength, $"UUID payload is {payload.Length} bytes, not {UuidLength}.");
        }

        Span<byte> bytes = stackalloc byte[UuidLength];
        payload.CopyTo(bytes);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>Reads the digit of a DTMF payload.</summary>
    /// <exception cref="AudioSocketProtocolException">The payload is not one DTMF character.</exception>
    public static char ReadDtmf(ReadOnlySequence<byte> payload)
    {
        if (payload.Length != 1)
        {
            throw new AudioSocketProtocolException(AudioSocketViolation.DtmfLength, $"DTMF payload is {payload.Length} bytes, not 1.");
        }

        // Copy rather than FirstSpan[0]: a valid sequence may start with an empty segment.
        Span<byte> value = stackalloc byte[1];
        payload.CopyTo(value);
        var digit = (char)value[0];
        if (!IsDtmfDigit(digit))
        {
            throw new AudioSocketProtocolException(AudioSocketViolation.DtmfLength, $"DTMF payload 0x{(byte)digit:X2} is not a DTMF digit.");
        }

        return digit;
    }

    /// <summary>0-9, *, #, and A-D.</summary>
    public static bool IsDtmfDigit(char c) => c is (>= '0' and <= '9') or '*' or '#' or (>= 'A' and <= 'D');
}
