using System.IO.Pipelines;
using System.Net.Sockets;

namespace Voicebot.Providers.Asterisk.Ami;

/// <summary>
/// A one-shot check that AMI is reachable and accepts the configured credentials (for <c>voicebot doctor</c>): connect,
/// read the banner, <c>Login</c>, <c>Logoff</c>. Never throws for a network or login failure; the secret never appears
/// in the result.
/// </summary>
public static class AmiProbe
{
    /// <summary>Probes <paramref name="options"/>' host and port; each step is bounded by <see cref="AmiOptions.RequestTimeout"/>.</summary>
    public static async Task<AmiProbeResult> CheckAsync(AmiOptions options, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        time ??= TimeProvider.System;
        var target = $"{options.Host}:{options.Port}";
        using var timeout = new CancellationTokenSource(options.RequestTimeout * 3, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var tcp = new TcpClient { NoDelay = true };
            await tcp.ConnectAsync(options.Host, options.Port, linked.Token);
            var stream = tcp.GetStream();
            var reader = PipeReader.Create(stream);
            var banner = await ReadAsync(reader, readBanner: true, linked.Token);
            if (!banner.Line.StartsWith("Asterisk Call Manager/", StringComparison.Ordinal))
            {
                return new AmiProbeResult(false, $"{target} answered, but not as AMI ('{banner.Line}').");
            }

            var login = new AmiAction("Login").Add("Username", options.Username).Add("Secret", options.Secret).Add("Events", "off");
            await stream.WriteAsync(login.Serialize("probe-1"), linked.Token);
            var reply = (await ReadAsync(reader, readBanner: false, linked.Token)).Message!;
            if (!string.Equals(reply.Response, "Success", StringComparison.OrdinalIgnoreCase))
            {
                return new AmiProbeResult(false,
                    $"{target} ({banner.Line}) refused the login of '{options.Username}': {reply.MessageText}. Check manager.conf and Asterisk__Ami__Secret.");
            }

            await stream.WriteAsync(new AmiAction("Logoff").Serialize("probe-2"), linked.Token);
            return new AmiProbeResult(true, $"{target} ({banner.Line}), logged in as '{options.Username}'.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AmiProbeResult(false, $"{target} did not answer within {options.RequestTimeout * 3}.");
        }
        catch (Exception ex) when (ex is SocketException or IOException or AmiProtocolException)
        {
            var reason = ex is SocketException socket ? socket.SocketErrorCode.ToString() : ex.Message;
            return new AmiProbeResult(false, $"{target} unreachable ({reason}). Is manager.conf enabled and bound to this address?");
        }
    }

    private static async Task<(string Line, AmiMessage? Message)> ReadAsync(PipeReader reader, bool readBanner, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            try
            {
                if (readBanner && AmiMessageReader.TryReadLine(ref buffer, 1024, out var line))
                {
                    return (line, null);
                }

                // Skip unsolicited events (e.g. FullyBooted) until the reply.
                while (!readBanner && AmiMessageReader.TryRead(ref buffer, AmiClient.MaxMessageBytes, out var message))
                {
                    if (message!.Response is not null)
                    {
                        return ("", message);
                    }
                }

                if (result.IsCompleted)
                {
                    throw new IOException("The connection closed.");
                }
            }
            finally
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
    }
}
