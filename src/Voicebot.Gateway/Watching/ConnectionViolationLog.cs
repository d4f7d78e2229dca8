using System.Net;
using Microsoft.Extensions.Logging;
using Voicebot.Protocol;

namespace Voicebot.Gateway.Watching;

/// <summary>
/// Logs connections that break the protocol before any call exists (no UUID in time, garbage, audio before the UUID)
/// with their connection id and remote address, at most <see cref="LinesPerWindow"/> lines per <see cref="Window"/>:
/// a scan or two hundred idle connections must not flood the log. The rest are counted (every one in
/// <c>voicebot_connections_rejected</c>); the number left out is logged with the next violation after the window.
/// </summary>
internal sealed class ConnectionViolationLog(ILogger<ConnectionViolationLog> logger, GatewayMetrics metrics, TimeProvider time)
{
    public const int LinesPerWindow = 5;
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private long _windowStart = time.GetTimestamp();
    private int _logged;
    private long _suppressed;

    public void Report(string connectionId, EndPoint? remoteEndPoint, AudioSocketViolation violation, string reason)
    {
        metrics.ConnectionRejected(violation);
        long leftOut = 0;
        bool log;
        lock (_gate)
        {
            var now = time.GetTimestamp();
            if (time.GetElapsedTime(_windowStart, now) >= Window)
            {
                leftOut = _suppressed;
                _suppressed = 0;
                _logged = 0;
                _windowStart = now;
            }

            log = _logged < LinesPerWindow;
            if (log)
            {
                _logged++;
            }
            else
            {
                _suppressed++;
            }
        }

        if (leftOut > 0)
        {
            GatewayLog.ConnectionViolationsSuppressed(logger, leftOut, Window);
        }

        if (log)
        {
            GatewayLog.ConnectionViolation(logger, connectionId, remoteEndPoint, violation, reason);
        }
    }
}
