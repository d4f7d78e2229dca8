using System.Buffers;
using System.Text;

namespace Voicebot.Providers.Asterisk.Ami;

/// <summary>
/// Splits the AMI byte stream into messages: <c>Key: Value</c> lines ended by <c>\r\n</c>, a message ended by an empty
/// line (manager.c). A bare <c>\n</c> is accepted as a line end too. Pure and allocation-light; not thread-safe.
/// </summary>
public static class AmiMessageReader
{
    /// <summary>
    /// Reads one line (the banner <c>Asterisk Call Manager/…</c>, which has no empty line after it) and slices it off.
    /// Returns <see langword="false"/> and leaves <paramref name="buffer"/> untouched while the line is incomplete.
    /// </summary>
    /// <exception cref="AmiProtocolException">No line end within <paramref name="maxBytes"/>.</exception>
    public static bool TryReadLine(ref ReadOnlySequence<byte> buffer, int maxBytes, out string line)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> raw, (byte)'\n'))
        {
            ThrowIfTooLong(buffer.Length, maxBytes);
            line = "";
            return false;
        }

        line = Decode(raw);
        buffer = buffer.Slice(reader.Position);
        return true;
    }

    /// <summary>
    /// Reads one message and slices it off <paramref name="buffer"/>; empty lines before it are skipped. Returns
    /// <see langword="false"/> and leaves <paramref name="buffer"/> untouched while the message is incomplete.
    /// </summary>
    /// <exception cref="AmiProtocolException">The message is longer than <paramref name="maxBytes"/>.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxBytes, out AmiMessage? message)
    {
        var reader = new SequenceReader<byte>(buffer);
        List<KeyValuePair<string, string>>? fields = null;
        while (reader.TryReadTo(out ReadOnlySequence<byte> raw, (byte)'\n'))
        {
            var length = raw.Length;
            if (length > 0 && EndsWithCarriageReturn(raw))
            {
                length--;
            }

            if (length == 0)
            {
                if (fields is null)
                {
                    continue;   // stray empty line between messages
                }

                message = new AmiMessage(fields);
                buffer = buffer.Slice(reader.Position);
                return true;
            }

            fields ??= new List<KeyValuePair<string, string>>(8);
            fields.Add(ParseField(Decode(raw)));
            ThrowIfTooLong(reader.Consumed, maxBytes);
        }

        ThrowIfTooLong(buffer.Length, maxBytes);
        message = null;
        return false;
    }

    private static KeyValuePair<string, string> ParseField(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return new KeyValuePair<string, string>("", line);
        }

        // "Key: Value": one space after the colon by convention, but be lenient.
        return new KeyValuePair<string, string>(line[..colon].Trim(), line[(colon + 1)..].TrimStart(' '));
    }

    private static bool EndsWithCarriageReturn(ReadOnlySequence<byte> raw) =>
        raw.Slice(raw.Length - 1).FirstSpan[0] == (byte)'\r';

    private static string Decode(ReadOnlySequence<byte> raw)
    {
        if (raw.Length > 0 && EndsWithCarriageReturn(raw))
        {
            raw = raw.Slice(0, raw.Length - 1);
        }

        return Encoding.UTF8.GetString(raw);
    }

    private static void ThrowIfTooLong(long length, int maxBytes)
    {
        if (length > maxBytes)
        {
            throw new AmiProtocolException($"An AMI message is longer than {maxBytes} bytes.");
        }
    }
}
