using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Voicebot.Gateway.Drain;
using Voicebot.Gateway.Watching;

namespace Voicebot.Gateway;

/// <summary>Adds the AudioSocket endpoint to Kestrel. Once an endpoint is configured in code, HTTP endpoints must be too.</summary>
internal sealed class AudioSocketKestrelSetup(IOptions<AudioSocketOptions> options, AudioSocketListener listener) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions kestrel)
    {
        var audioSocket = options.Value;
        // Typed endpoint: AudioSocketListenerFactory binds it, so the drain can close this listener alone.
        kestrel.Listen(
            new AudioSocketEndPoint(IPAddress.Parse(audioSocket.ListenAddress), audioSocket.Port),
            listen =>
            {
                listen.UseConnectionHandler<AudioSocketConnectionHandler>();
                listener.Configured(listen);
            });
    }
}
