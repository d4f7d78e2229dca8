using System.Buffers.Binary;

namespace Voicebot.Audio;

/// <summary>
/// Reads PCM from a RIFF/WAVE stream as it arrives, tolerating the header of a WAV written to a pipe: espeak-ng's
/// <c>--stdout</c> declares RIFF and data sizes of 0x7FFFF000-ish (or 0 / 0xFFFFFFFF for other tools) because it
/// cannot seek back. The data is read until the declared size or the end of the stream, whichever comes first.
/// Not thread-safe.
/// </summary>
public sealed class WavStreamReader
{
    private const int MaxHeaderChunkBytes = 1 << 20;

    private readonly Stream _stream;
    private readonly byte[] _pending;
    private int _pendingCount;
    private long _remaining;

    private WavStreamReader(Stream stream, int sampleRate, int channels, int bitsPerSample, long dataBytes)
    {
        _stream = stream;
        SampleRate = sampleRate;
        Channels = channels;
        BitsPerSample = bitsPerSample;
        BlockAlign = channels * bitsPerSample / 8;
        _pending = new byte[BlockAlign];
        _remaining = dataBytes;
    }

    /// <summary>Rate, Hz.</summary>
    public int SampleRate { get; }

    /// <summary>Interleaved channels.</summary>
    public int Channels { get; }

    /// <summary>Bits per sample (8, 16, 24 or 32; integer PCM).</summary>
    public int BitsPerSample { get; }

    /// <summary>Bytes per sample frame; <see cref="ReadAsync"/> always returns a multiple of it.</summary>
    public int BlockAlign { get; }

    /// <summary>Whether the stream holds 16-bit mono PCM, the only format the voicebot plays.</summary>
    public bool IsPcm16Mono => Channels == 1 && BitsPerSample == 16;

    /// <summary>Reads the header, up to the start of the data chunk.</summary>
    /// <exception cref="InvalidDataException">Not a RIFF/WAVE stream, not integer PCM, or the header is truncated.</exception>
    public static async ValueTask<WavStreamReader> OpenAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var header = new byte[12];
        await ReadHeaderAsync(stream, header, cancellationToken);
        CheckRiff(header);

        (int Rate, int Channels, int Bits)? format = null;
        var chunk = new byte[8];
        while (true)
        {
            await ReadHeaderAsync(stream, chunk, cancellationToken);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan(4));
            if (chunk.AsSpan(0, 4).SequenceEqual("data"u8))
            {
                if (format is not { } f)
                {
                    throw new InvalidDataException("The WAV data chunk comes before its fmt chunk.");
                }

                return new WavStreamReader(stream, f.Rate, f.Channels, f.Bits, DataLength(size));
            }

            if (size > MaxHeaderChunkBytes)
            {
                throw new InvalidDataException($"WAV header chunk of {size} bytes is too large.");
            }

            // RIFF chunks are padded to an even length.
            var body = new byte[size + (size & 1)];
            await ReadHeaderAsync(stream, body, cancellationToken);
            if (chunk.AsSpan(0, 4).SequenceEqual("fmt "u8))
            {
                format = ParseFormat(body.AsSpan(0, (int)size));
            }
        }
    }

    /// <summary>
    /// Reads data bytes into <paramref name="buffer"/> as soon as at least one whole sample frame is available.
    /// Returns 0 at the end of the data; a trailing partial frame is dropped.
    /// </summary>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buffer.Length, BlockAlign, nameof(buffer));
        while (_remaining > 0)
        {
            _pending.AsSpan(0, _pendingCount).CopyTo(buffer.Span);
            var room = (int)Math.Min(buffer.Length - _pendingCount, _remaining);
            var read = await _stream.ReadAsync(buffer.Slice(_pendingCount, room), cancellationToken);
            var result = Complete(buffer.Span, read);
            if (result != 0 || read == 0)
            {
                return result;
            }
        }

        return 0;
    }

    /// <summary>Reads all the remaining data.</summary>
    public async ValueTask<byte[]> ReadToEndAsync(CancellationToken cancellationToken = default)
    {
        using var output = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await ReadAsync(buffer, cancellationToken)) > 0)
        {
            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }

    private int Complete(Span<byte> buffer, int read)
    {
        if (read == 0)
        {
            // End of stream before the declared size: a pipe, or a truncated file.
            _remaining = 0;
            _pendingCount = 0;
            return 0;
        }

        _remaining -= read;
        var total = _pendingCount + read;
        var whole = total - (total % BlockAlign);
        _pendingCount = total - whole;
        buffer.Slice(whole, _pendingCount).CopyTo(_pending);
        return whole;
    }

    private static long DataLength(uint declared) =>
        declared is 0 or uint.MaxValue ? long.MaxValue : declared;

    private static void CheckRiff(ReadOnlySpan<byte> header)
    {
        if (!header[..4].SequenceEqual("RIFF"u8) || !header.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException("Not a RIFF/WAVE stream.");
        }
    }

    private static (int Rate, int Channels, int Bits) ParseFormat(ReadOnlySpan<byte> fmt)
    {
        if (fmt.Length < 16)
        {
            throw new InvalidDataException($"WAV fmt chunk of {fmt.Length} bytes is too short.");
        }

        // WAVEFORMATEX: tag, channels, rate, byte rate, block align, bits. 0xFFFE = WAVE_FORMAT_EXTENSIBLE (PCM sub-format assumed).
        var tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        var channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        var rate = BinaryPrimitives.ReadInt32LittleEndian(fmt[4..]);
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        if (tag is not (1 or 0xFFFE) || channels == 0 || rate <= 0 || bits is not (8 or 16 or 24 or 32))
        {
            throw new InvalidDataException(
                $"Unsupported WAV format: tag 0x{tag:X4}, {channels} channel(s), {rate} Hz, {bits} bits; integer PCM expected.");
        }

        return (rate, channels, bits);
    }

    private static async ValueTask ReadHeaderAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("The WAV header is truncated.", ex);
        }
    }
}
