using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Voicebot.Gateway.Watching;

/// <summary>
/// Whether the AudioSocket listener is bound, for the host's readiness check: Asterisk must not be sent here before.
/// </summary>
public sealed class AudioSocketListener
{
    private ListenOptions? _endpoint;

    /// <summary>The endpoint the listener is bound to (its real port once Kestrel has bound a configured port 0).</summary>
    public IPEndPoint? EndPoint => _endpoint?.IPEndPoint;

    /// <summary>True once <paramref name="server"/> (Kestrel) has bound the AudioSocket endpoint.</summary>
    /// <remarks>The server is a parameter, not a dependency: Kestrel's construction is what configures this endpoint.</remarks>
    public bool IsListening(IServer server) =>
        EndPoint is { Port: > 0 } endpoint
        && server?.Features.Get<IServerAddressesFeature>()?.Addresses is { } addresses
        && addresses.Any(address => Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Port == endpoint.Port);

    internal void Configured(ListenOptions endpoint) => _endpoint = endpoint;
}
