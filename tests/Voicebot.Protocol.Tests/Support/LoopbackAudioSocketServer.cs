using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Voicebot.Protocol.Tests.Support;

/// <summary>The server side of one AudioSocket connection on loopback: reads and writes raw bytes.</summary>
internal sealed class LoopbackAudioSocketServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private TcpClient? _accepted;
    private NetworkStream? _stream;

    private LoopbackAudioSocketServer(TcpListener listener) => _listener = listener;

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    private NetworkStream Stream => _stream ?? throw new InvalidOperationException("No client has connected yet.");

    public static LoopbackAudioSocketServer Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new LoopbackAudioSocketServer(listener);
    }

    public async Task AcceptAsync(CancellationToken cancellationToken)
    {
        _accepted = await _listener.AcceptTcpClientAsync(cancellationToken);
        _stream = _accepted.GetStream();
    }

    /// <summary>Reads one whole message: kind, then payload.</summary>
    public async Task<(AudioSocketKind Kind, byte[] Payload)> ReadFrameAsync(CancellationToken cancellationToken)
    {
        var header = new byte[3];
        await Stream.ReadExactlyAsync(header, cancellationToken);
        var payload = new byte[BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(1))];
        await Stream.ReadExactlyAsync(payload, cancellationToken);
        return ((AudioSocketKind)header[0], payload);
    }

    /// <summary>Reads until the client closes; returns how many bytes came meanwhile.</summary>
    public async Task<int> ReadToEndAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var total = 0;
        int read;
        while ((read = await Stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
        }

        return total;
    }

    public async Task WriteAsync(byte[] bytes, CancellationToken cancellationToken) => await Stream.WriteAsync(bytes, cancellationToken);

    /// <summary>Closes the accepted connection: the client reads EOF.</summary>
    public void CloseClient() => _accepted?.Close();

    public async ValueTask DisposeAsync()
    {
        if (_stream is not null)
        {
            await _stream.DisposeAsync();
        }

        _accepted?.Dispose();
        _listener.Dispose();
    }
}
