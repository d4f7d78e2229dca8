namespace Voicebot.Providers.OpenAI.Speech;

/// <summary>
/// Reads a raw 16-bit PCM body as it arrives and cuts it into even-length chunks: a chunk never splits a sample,
/// an odd trailing byte waits for the next read. Not thread-safe (one reader per response).
/// </summary>
internal sealed class PcmChunkReader(Stream stream, int bufferSize = PcmChunkReader.DefaultBufferSize)
{
    /// <summary>100 ms at 24 kHz.</summary>
    public const int DefaultBufferSize = 4800;

    private readonly byte[] _buffer = new byte[bufferSize];
    private int _pending;

    /// <summary>Bytes read so far, the chunks returned plus any pending odd byte.</summary>
    public long TotalBytes { get; private set; }

    /// <summary>The next chunk, as soon as at least one whole sample is available, or <see langword="null"/> at the end.</summary>
    public async ValueTask<byte[]?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await stream.ReadAsync(_buffer.AsMemory(_pending), cancellationToken);
            if (read == 0)
            {
                return null;   // an odd last byte is half a sample: dropped
            }

            TotalBytes += read;
            var available = _pending + read;
            var even = available & ~1;
            if (even == 0)
            {
                _pending = available;
                continue;
            }

            var chunk = _buffer.AsSpan(0, even).ToArray();
            _pending = available - even;
            if (_pending == 1)
            {
                _buffer[0] = _buffer[even];
            }

            return chunk;
        }
    }
}
