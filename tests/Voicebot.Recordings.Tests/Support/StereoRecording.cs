using System.Buffers.Binary;
using Voicebot.Recordings.Files;

namespace Voicebot.Recordings.Tests.Support;

/// <summary>A recording as a player sees it: the header, and the samples it claims, split by channel.</summary>
internal sealed record StereoRecording(WavHeader Header, long FileLength, short[] Left, short[] Right)
{
    public static StereoRecording Read(string path)
    {
        byte[] bytes;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }

        Assert.True(WavHeader.TryParse(bytes, out var header), $"{path} has no valid WAV header.");
        var frames = (int)(header.DataBytes / 4);
        var left = new short[frames];
        var right = new short[frames];
        var data = bytes.AsSpan((int)header.DataOffset);
        for (var i = 0; i < frames; i++)
        {
            left[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(i * 4)..]);
            right[i] = BinaryPrimitives.ReadInt16LittleEndian(data[((i * 4) + 2)..]);
        }

        return new StereoRecording(header, bytes.Length, left, right);
    }

    /// <summary>Asserts what must hold at every moment: a stereo 16-bit header claiming no more than the file holds.</summary>
    public void AssertConsistent(int sampleRate)
    {
        Assert.Equal(2, Header.Channels);
        Assert.Equal(sampleRate, Header.SampleRate);
        Assert.Equal(16, Header.BitsPerSample);
        Assert.Equal(WavHeader.CanonicalSize, Header.DataOffset);
        Assert.Equal(Header.DataBytes + WavHeader.CanonicalSize - 8, Header.RiffBytes);
        Assert.Equal(0, Header.DataBytes % 4);
        Assert.True(Header.DataBytes <= FileLength - WavHeader.CanonicalSize, $"header claims {Header.DataBytes} bytes, file holds {FileLength - WavHeader.CanonicalSize}");
    }

    /// <summary>Index of the first sample of <paramref name="channel"/> equal to <paramref name="value"/>, or -1.</summary>
    public static int First(short[] channel, short value) => Array.IndexOf(channel, value);

    /// <summary>Index of the last sample of <paramref name="channel"/> equal to <paramref name="value"/>, or -1.</summary>
    public static int Last(short[] channel, short value) => Array.LastIndexOf(channel, value);

    public static byte[] Frame(short value, int samples = 160)
    {
        var frame = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(frame.AsSpan(i * 2), value);
        }

        return frame;
    }
}
