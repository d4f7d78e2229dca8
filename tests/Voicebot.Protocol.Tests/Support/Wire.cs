using System.Buffers.Binary;

namespace Voicebot.Protocol.Tests.Support;

/// <summary>Hand-built AudioSocket bytes, independent of <see cref="AudioSocketFrameWriter"/>.</summary>
internal static class Wire
{
    public static byte[] Frame(byte kind, params byte[] payload)
    {
        var frame = new byte[3 + payload.Length];
        frame[0] = kind;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(1), (ushort)payload.Length);   // res_audiosocket.c: htons
        payload.CopyTo(frame, 3);
        return frame;
    }

    public static byte[] Frame(AudioSocketKind kind, params byte[] payload) => Frame((byte)kind, payload);

    public static byte[] Concat(params byte[][] frames)
    {
        var length = 0;
        foreach (var frame in frames)
        {
            length += frame.Length;
        }

        var result = new byte[length];
        var offset = 0;
        foreach (var frame in frames)
        {
            frame.CopyTo(result, offset);
            offset += frame.Length;
        }

        return result;
    }

    /// <summary>PCM16 little-endian samples, as Asterisk's slin carries them on x86-64/ARM64.</summary>
    public static byte[] Samples(params short[] samples)
    {
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), samples[i]);
        }

        return bytes;
    }

    /// <summary>A recognisable pattern so a payload cut or shifted by one byte fails the comparison.</summary>
    public static byte[] Pattern(int length, int seed = 0)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 31) + seed + 7);
        }

        return bytes;
    }
}
