using System.Net;
using System.Net.Sockets;

namespace Voicebot.Cli.Tests.Support;

/// <summary>A minimal AudioSocket server (the bot's side) on 127.0.0.1:0, independent of Voicebot.Protocol.</summary>
internal sealed class FakeAudioSocketServer : IAsyncDisposable
{
    private readonly TcpListener _listener;

    private FakeAudioSocketServer(TcpListener listener)
    {
        _listener = listener;
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static FakeAudioSocketServer Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new FakeAudioSocketServer(listener);
    }

    public async Task<FakeAudioSocketConnection> AcceptAsync(CancellationToken cancellationToken)
    {
        var socket = await _listener.AcceptSocketAsync(cancellationToken);
        return new FakeAudioSocketConnection(socket);
    }

    public ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Dispose();
        return ValueTask.CompletedTask;
    }
}
