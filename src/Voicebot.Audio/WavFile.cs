using NAudio.Wave;

namespace Voicebot.Audio;

/// <summary>Reads and writes WAV files of signed 16-bit mono PCM (NAudio's <see cref="WaveFileWriter"/>/<see cref="WaveFileReader"/>).</summary>
public static class WavFile
{
    /// <summary>Writes <paramref name="pcm16le"/> to a new WAV file at <paramref name="path"/>.</summary>
    public static void Write(string path, ReadOnlySpan<byte> pcm16le, int sampleRate)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckPcm(pcm16le.Length, sampleRate);
        using var writer = new WaveFileWriter(path, new WaveFormat(sampleRate, 16, 1));
        writer.Write(pcm16le);
    }

    /// <summary>Writes a WAV image to <paramref name="stream"/> (which need not be seekable) and leaves it open.</summary>
    public static void Write(Stream stream, ReadOnlySpan<byte> pcm16le, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(ToWav(pcm16le, sampleRate));
    }

    /// <summary>Writes a WAV image to <paramref name="stream"/> (which need not be seekable) and leaves it open.</summary>
    public static async Task WriteAsync(Stream stream, ReadOnlyMemory<byte> pcm16le, int sampleRate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await stream.WriteAsync(ToWav(pcm16le.Span, sampleRate), cancellationToken);
    }

    /// <summary>The bytes of a WAV file holding <paramref name="pcm16le"/>.</summary>
    public static byte[] ToWav(ReadOnlySpan<byte> pcm16le, int sampleRate)
    {
        CheckPcm(pcm16le.Length, sampleRate);
        using var image = new MemoryStream(pcm16le.Length + 64);

        // WaveFileWriter patches the sizes when disposed.
        using (var writer = new WaveFileWriter(image, new WaveFormat(sampleRate, 16, 1)))
        {
            writer.Write(pcm16le);
        }

        return image.ToArray();
    }

    /// <summary>Reads a WAV file of 16-bit mono PCM at any rate.</summary>
    /// <exception cref="InvalidDataException">The file is not 16-bit mono PCM.</exception>
    public static PcmClip Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new WaveFileReader(path);
        return Read(reader);
    }

    /// <summary>Reads a seekable WAV stream of 16-bit mono PCM at any rate, leaving the stream open.</summary>
    /// <exception cref="InvalidDataException">The stream is not 16-bit mono PCM.</exception>
    public static PcmClip Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new WaveFileReader(stream);
        return Read(reader);
    }

    /// <summary>
    /// Reads a WAV stream that may come from a pipe (e.g. <c>espeak-ng --stdout</c>), whose header sizes are
    /// placeholders: the data runs to the end of the stream. See <see cref="WavStreamReader"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The stream is not 16-bit mono PCM.</exception>
    public static async Task<PcmClip> ReadTolerantAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        var reader = await WavStreamReader.OpenAsync(stream, cancellationToken);
        if (!reader.IsPcm16Mono)
        {
            throw new InvalidDataException($"Expected 16-bit mono PCM; got {reader.BitsPerSample}-bit, {reader.Channels} channel(s).");
        }

        return new PcmClip(await reader.ReadToEndAsync(cancellationToken), reader.SampleRate);
    }

    private static PcmClip Read(WaveFileReader reader)
    {
        var format = reader.WaveFormat;
        if (format.Encoding != WaveFormatEncoding.Pcm || format.BitsPerSample != 16 || format.Channels != 1)
        {
            throw new InvalidDataException(
                $"Expected 16-bit mono PCM; got {format.Encoding}, {format.BitsPerSample}-bit, {format.Channels} channel(s).");
        }

        var pcm = new byte[reader.Length - (reader.Length & 1)];
        reader.ReadExactly(pcm);
        return new PcmClip(pcm, format.SampleRate);
    }

    private static void CheckPcm(int length, int sampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        if ((length & 1) != 0)
        {
            throw new ArgumentException($"16-bit PCM needs an even number of bytes; got {length}.", nameof(length));
        }
    }
}
