using System.Net;
using System.Net.Sockets;

namespace Voicebot.Testing.Network;

/// <summary>Free TCP ports on 127.0.0.1 for a host under test (taken together, so they are distinct).</summary>
public static class LoopbackPorts
{
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}
