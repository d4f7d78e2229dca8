using System.Net;

namespace Voicebot.Gateway.Drain;

/// <summary>
/// The AudioSocket listen address, typed so <see cref="AudioSocketListenerFactory"/> binds it (and only it): Kestrel
/// cannot close one endpoint on its own, but the transport that bound it can.
/// </summary>
internal sealed class AudioSocketEndPoint(IPAddress address, int port) : IPEndPoint(address, port);
