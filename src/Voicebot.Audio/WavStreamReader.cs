namespace Voicebot.Audio;

/// <summary>
/// Reads PCM from a RIFF/WAVE stream as it arrives, tolerating the header of a WAV written to a pipe: espeak-ng's
/// <c>--stdout</c> declares RIFF and data sizes of 0x7FFFF000-ish (or 0 / 0xFFFFFFFF for other tools) because it
/// cannot seek back. The data is read until the declared size or the end of the stream, whichever comes first.
/// Not thread-safe.
/// </summary>
public sealed class WavStreamReader
{
    /// <summary>Largest header read before the data (a few metadata chunks at most).</summary>
    private const int MaxHeaderBytes = 1 << 20;

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

    /// <summary>Reads the header, up to the start of the data chunk (with <see cref="RiffWaveHeaderReader"/>).</summary>
    /// <exception cref="InvalidDataException">Not a RIFF/WAVE stream, not integer PCM, or the header is truncated.</exception>
    public static async ValueTask<WavStreamReader> OpenAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);

        // Read exactly what the chunk walk asks for, so the stream stops at the first sample (a pipe cannot seek back).
        var header = new byte[64];
        var filled = 0;
        RiffWaveHeader parsed;
        while (!RiffWaveHeaderReader.TryRead(header.AsSpan(0, filled), out parsed, out var needed))
        {
            if (needed > MaxHeaderBytes)
            {
                throw new InvalidDataException($"WAV header of {needed} bytes is too large.");
            }

            if (needed > header.Length)
            {
                Array.Resize(ref header, (int)Math.Min(MaxHeaderBytes, Math.Max(needed, 2L * header.Length)));
            }

            await ReadHeaderAsync(stream, header.AsMemory(filled, (int)needed - filled), cancellationToken);
            filled = (int)needed;
        }

        // 0xFFFE = WAVE_FORMAT_EXTENSIBLE: its PCM sub-format is assumed.
        if (parsed.FormatTag is not (RiffWaveHeader.PcmFormatTag or RiffWaveHeader.ExtensibleFormatTag) || parsed.BitsPerSample > 32)
        {
            throw new InvalidDataException(
                RiffWaveHeaderReader.UnsupportedFormat(parsed.FormatTag, parsed.Channels, parsed.SampleRate, parsed.BitsPerSample));
        }

        return new WavStreamReader(stream, parsed.SampleRate, parsed.Channels, parsed.BitsPerSample, DataLength(parsed.DataBytes));
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
