using System.Net.Sockets;
using System.Text;

namespace Voicebot.Testing.Emulators.Ami;

/// <summary>One client connection of the <see cref="AmiEmulator"/>: a line reader and a serialised writer.</summary>
internal sealed class AmiEmulatorSession
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private int _closed;

    public AmiEmulatorSession(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
        _reader = new StreamReader(_stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, leaveOpen: true);
    }

    public bool IsAuthenticated { get; private set; }

    public bool ReceivesEvents { get; private set; }

    public void Authenticate(bool receivesEvents)
    {
        ReceivesEvents = receivesEvents;
        IsAuthenticated = true;
    }

    /// <summary>The next message's lines, or <see langword="null"/> at the end of the stream.</summary>
    public async Task<List<KeyValuePair<string, string>>?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, string>>? fields = null;
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (fields is not null)
                {
                    return fields;
                }

                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            fields ??= [];
            fields.Add(colon < 0
                ? new KeyValuePair<string, string>("", line)
                : new KeyValuePair<string, string>(line[..colon].Trim(), line[(colon + 1)..].TrimStart(' ')));
        }

        return null;
    }

    public async Task WriteAsync(string text, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _client.Client.Close();
            _client.Dispose();
        }
    }
}
