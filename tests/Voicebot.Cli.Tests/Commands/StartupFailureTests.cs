using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Voicebot.Cli.Commands;

namespace Voicebot.Cli.Tests.Commands;

public sealed class StartupFailureTests
{
    [Fact]
    public void Describe_PortThatIsNotANumber_NamesTheKeyAndTheRange()
    {
        var failure = new InvalidOperationException("Failed to convert configuration value 'abc' at 'AudioSocket:Port' to type 'System.Int32'.");

        Assert.Equal("AudioSocket:Port = 'abc' is not a number (set it to a TCP port, 1-65535).", StartupFailure.Describe(failure));
    }

    [Fact]
    public void Describe_UnknownEnumValue_ListsTheAllowedValues()
    {
        var failure = new InvalidOperationException($"Failed to convert configuration value 'Sometimes' at 'Demo:Kind' to type '{typeof(DayOfWeek).FullName}'.");

        var line = StartupFailure.Describe(failure);

        Assert.NotNull(line);
        Assert.StartsWith("Demo:Kind = 'Sometimes' is not one of Sunday, Monday,", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_MissingFlowFile_NamesCallsFlowAndThePathLookedAt()
    {
        var settings = Settings(("Calls:Flow", "nope"));
        var failure = new FileNotFoundException("Could not find file.", "/srv/voicebot/assets/flows/nope.json");

        var line = StartupFailure.Describe(failure, settings);

        Assert.NotNull(line);
        Assert.StartsWith("Calls:Flow = 'nope'", line, StringComparison.Ordinal);
        Assert.Contains("/srv/voicebot/assets/flows/nope.json", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_PortTakenByAnotherProcess_NamesItsKey()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port;
        var settings = Settings(("AudioSocket:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("AudioSocket:ListenAddress", "127.0.0.1"));

        var line = StartupFailure.Describe(new IOException("bind failed", new SocketException((int)SocketError.AddressAlreadyInUse)), settings);

        Assert.Equal($"AudioSocket:Port = {port}: the port is already in use (stop the other process or set AudioSocket:Port to a free port).", line);
    }

    [Fact]
    public void Describe_AnythingElse_IsLeftToItsStackTrace()
    {
        Assert.Null(StartupFailure.Describe(new InvalidOperationException("a bug")));
    }

    [Fact]
    public void Report_WritesOneLineAndReturnsTwo()
    {
        using var error = new StringWriter();

        var exit = StartupFailure.Report("AudioSocket:Port = 'abc' is not a number.", error);

        Assert.Equal(2, exit);
        Assert.Equal("Configuration error: AudioSocket:Port = 'abc' is not a number." + Environment.NewLine, error.ToString());
    }

    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();
}
