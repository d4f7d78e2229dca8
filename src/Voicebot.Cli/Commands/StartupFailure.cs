using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Voicebot.Cli.Commands;

/// <summary>
/// Turns what stops the host from building or starting because of the operator's set-up (a value that does not bind, a
/// rule a setting breaks, a missing flow file, a port already taken) into one line naming the key and the fix.
/// Anything else is a bug and keeps its stack trace.
/// </summary>
public static partial class StartupFailure
{
    /// <summary>The exit code of a set-up the operator must correct.</summary>
    public const int InvalidConfiguration = 2;

    /// <summary>The ports the host listens on, by configuration key (checked when one is already taken).</summary>
    private static readonly string[] PortKeys = ["AudioSocket:Port", "Http:Port", "Orleans:SiloPort", "Orleans:GatewayPort"];

    /// <summary>One line (without the "Configuration error: " prefix) describing the failure, or null if it is not the operator's to fix.</summary>
    public static string? Describe(Exception exception, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            OptionsValidationException validation => string.Join("; ", validation.Failures),
            AggregateException aggregate when aggregate.InnerExceptions.Count > 0 =>
                aggregate.InnerExceptions.Select(e => Describe(e, configuration)).ToList() is var lines && lines.All(l => l is not null)
                    ? string.Join("; ", lines)
                    : null,
            InvalidOperationException when ConversionFailure().Match(exception.Message) is { Success: true } match =>
                NotBindable(match.Groups["value"].Value, match.Groups["key"].Value, match.Groups["type"].Value),
            FileNotFoundException missing when IsFlowFile(missing.FileName) =>
                $"Calls:Flow = '{configuration?["Calls:Flow"]}': no flow file at '{missing.FileName}' (set Calls:Flow to a flow of assets/flows, e.g. 'sav', or to the path of a flow JSON file).",
            _ when AddressInUse(exception) => PortInUse(exception, configuration),
            _ => null,
        };
    }

    /// <summary>A copy of the settings <see cref="Describe"/> reads, still readable once the host is disposed.</summary>
    public static IConfiguration Snapshot(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var keys = PortKeys.Concat(PortKeys.Select(ListenAddressKey)).Append("Calls:Flow").Distinct(StringComparer.Ordinal);
        return new ConfigurationBuilder()
            .AddInMemoryCollection(keys.Select(key => KeyValuePair.Create(key, configuration[key])))
            .Build();
    }

    /// <summary>Writes the one line on stderr and returns <see cref="InvalidConfiguration"/>.</summary>
    public static int Report(string description, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        error.WriteLine($"Configuration error: {description}");
        return InvalidConfiguration;
    }

    private static string NotBindable(string value, string key, string typeName)
    {
        var type = Type.GetType(typeName) ?? AppDomain.CurrentDomain.GetAssemblies()
            .Select(a => a.GetType(typeName, throwOnError: false))
            .FirstOrDefault(t => t is not null);
        if (type is { IsEnum: true })
        {
            return $"{key} = '{value}' is not one of {string.Join(", ", Enum.GetNames(type))} (set it to one of these).";
        }

        if (key.EndsWith("Port", StringComparison.OrdinalIgnoreCase))
        {
            return $"{key} = '{value}' is not a number (set it to a TCP port, 1-65535).";
        }

        var expected = type switch
        {
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "a whole number",
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(TimeSpan) => "a duration such as 00:00:30",
            _ => $"a {type?.Name ?? typeName}",
        };
        return $"{key} = '{value}' is not {expected} (set it to {expected}).";
    }

    private static bool IsFlowFile(string? path) =>
        path is not null && path.Replace('\\', '/').Contains("/flows/", StringComparison.Ordinal);

    private static bool AddressInUse(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }
                || (current is IOException && current.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Names the configured port that is taken: the one another process still holds now that the host has let go of its own.</summary>
    private static string PortInUse(Exception exception, IConfiguration? configuration)
    {
        var taken = configuration is null
            ? []
            : PortKeys
                .Select(key => (Key: key, Port: int.TryParse(configuration[key], out var port) ? port : 0))
                .Where(entry => entry.Port > 0 && IsTaken(configuration[ListenAddressKey(entry.Key)], entry.Port))
                .ToList();
        return taken.Count > 0
            ? string.Join("; ", taken.Select(t => $"{t.Key} = {t.Port}: the port is already in use (stop the other process or set {t.Key} to a free port)."))
            : $"a port is already in use ({exception.Message}); set AudioSocket:Port, Http:Port, Orleans:SiloPort or Orleans:GatewayPort to a free port.";
    }

    /// <summary>AudioSocket:Port → AudioSocket:ListenAddress (Orleans' ports have none: any address).</summary>
    private static string ListenAddressKey(string portKey) => $"{portKey[..portKey.IndexOf(':', StringComparison.Ordinal)]}:ListenAddress";

    private static bool IsTaken(string? listenAddress, int port)
    {
        var address = IPAddress.TryParse(listenAddress, out var parsed) ? parsed : IPAddress.Any;
        try
        {
            using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(address, port));
            return false;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex ConversionFailure();
}
