using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Voicebot.Gateway.Drain;

/// <summary>
/// Binds the AudioSocket endpoint with Kestrel's socket transport and hands the listener to <see cref="GatewayDrain"/>,
/// which unbinds it when the drain starts: new connections are then refused by the kernel (RST), which Asterisk's
/// <c>AudioSocket()</c> reports at once, so the dialplan can route the call elsewhere. HTTP stays up meanwhile.
/// Kestrel asks every factory that is an <see cref="IConnectionListenerFactorySelector"/> whether it binds an endpoint.
/// </summary>
internal sealed partial class AudioSocketListenerFactory(
    IOptions<SocketTransportOptions> socketOptions,
    IOptions<AudioSocketOptions> audioSocketOptions,
    ILoggerFactory loggerFactory,
    GatewayDrain drain) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly SocketTransportFactory _sockets = new(Options.Create(ForAudioSocket(socketOptions.Value, audioSocketOptions.Value)), loggerFactory);
    private readonly ILogger _logger = loggerFactory.CreateLogger<AudioSocketListenerFactory>();

    public bool CanBind(EndPoint endpoint) => endpoint is AudioSocketEndPoint;

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var listener = await _sockets.BindAsync(endpoint, cancellationToken);
        drain.Attach(listener);
        // Kestrel would announce this endpoint as http://; the host drops that line and this one says what it is.
        Listening(_logger, listener.EndPoint);
        return listener;
    }

    /// <summary>The host's socket settings, with the AudioSocket listener's own scheduling (HTTP keeps the host's).</summary>
    internal static SocketTransportOptions ForAudioSocket(SocketTransportOptions host, AudioSocketOptions audioSocket) => new()
    {
        IOQueueCount = host.IOQueueCount,
        WaitForDataBeforeAllocatingBuffer = host.WaitForDataBeforeAllocatingBuffer,
        NoDelay = host.NoDelay,
        Backlog = host.Backlog,
        MaxReadBufferSize = host.MaxReadBufferSize,
        MaxWriteBufferSize = host.MaxWriteBufferSize,
        CreateBoundListenSocket = host.CreateBoundListenSocket,
        UnsafePreferInlineScheduling = audioSocket.InlineSocketScheduling,
    };

    [LoggerMessage(1, LogLevel.Information, "AudioSocket gateway listening on tcp {EndPoint}.", EventName = "AudioSocketGatewayListening")]
    private static partial void Listening(ILogger logger, EndPoint endPoint);
}
