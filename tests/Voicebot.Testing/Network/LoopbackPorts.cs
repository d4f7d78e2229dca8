using System.Net;
using System.Net.Sockets;

namespace Voicebot.Testing.Network;

/// <summary>
/// Free TCP ports on 127.0.0.1 for a host under test (taken together, so they are distinct).
/// </summary>
/// <remarks>
/// The ports are drawn at random below the kernel's ephemeral range: a port the OS handed out (port 0) is freed
/// before the host binds it, and meanwhile any outgoing connection of another test process may take it as its local
/// port. Below the ephemeral range only another caller of this class could: test projects run as parallel processes,
/// so each port taken is also reserved across processes by an exclusive lock on a file named after it, held until the
/// process exits (a random draw alone collided once in a full run: "address already in use").
/// </remarks>
public static class LoopbackPorts
{
    private const int LowestPort = 20000;

    private static readonly string ReservationDirectory = Path.Combine(Path.GetTempPath(), "voicebot-test-ports");
    private static readonly List<FileStream> Reservations = [];

    private static readonly Lazy<int> EphemeralStart = new(ReadEphemeralStart);

    public static int[] Take(int count)
    {
        var below = EphemeralStart.Value;
        if (below - LowestPort < 1000)
        {
            return TakeFromKernel(count);   // an unusual port range: fall back to what the kernel gives
        }

        var ports = new List<int>(count);
        for (var attempt = 0; ports.Count < count && attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(LowestPort, below);
            if (!ports.Contains(port) && TryReserve(port) && IsFree(port))
            {
                ports.Add(port);
            }
        }

        return ports.Count == count ? [.. ports] : TakeFromKernel(count);
    }

    /// <summary>Takes the port for this process's lifetime, unless another test process has it.</summary>
    private static bool TryReserve(int port)
    {
        try
        {
            Directory.CreateDirectory(ReservationDirectory);
            var reservation = new FileStream(Path.Combine(ReservationDirectory, port.ToString(System.Globalization.CultureInfo.InvariantCulture)), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            lock (Reservations)
            {
                Reservations.Add(reservation);   // never closed: the lock goes with the process
            }

            return true;
        }
        catch (IOException)
        {
            return false;   // another test process holds it
        }
        catch (UnauthorizedAccessException)
        {
            return true;   // no shared directory to reserve in: the random draw alone
        }
    }

    private static bool IsFree(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static int[] TakeFromKernel(int count)
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

    private static int ReadEphemeralStart()
    {
        try
        {
            // "32768	60999" on most Linux systems.
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }
}
