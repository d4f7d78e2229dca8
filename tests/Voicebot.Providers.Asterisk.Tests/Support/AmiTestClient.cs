using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Voicebot.Providers.Asterisk.Ami;
using Voicebot.Testing.Emulators.Ami;

namespace Voicebot.Providers.Asterisk.Tests.Support;

/// <summary>An <see cref="AmiClient"/> pointed at an emulator, started, with its logs collected; stopped on dispose.</summary>
internal sealed class AmiTestClient : IAsyncDisposable
{
    private AmiTestClient(AmiClient client, AmiOptions options, FakeLogCollector logs)
    {
        Client = client;
        Options = options;
        Logs = logs;
    }

    public AmiClient Client { get; }

    public AmiOptions Options { get; }

    public FakeLogCollector Logs { get; }

    /// <summary>Options for <paramref name="emulator"/> with short real-time delays (no wall-clock assertion relies on them).</summary>
    public static AmiOptions OptionsFor(AmiEmulator emulator) => new()
    {
        Enabled = true,
        Host = "127.0.0.1",
        Port = emulator.Port,
        Username = AmiEmulator.DefaultUsername,
        Secret = AmiEmulator.DefaultSecret,
        ReconnectMinDelay = TimeSpan.FromMilliseconds(10),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(100),
        RequestTimeout = TimeSpan.FromSeconds(5),
        PingInterval = TimeSpan.FromMinutes(5),
    };

    public static async Task<AmiTestClient> StartAsync(
        AmiOptions options, TimeProvider? time = null, bool waitForLogin = true, CancellationToken cancellationToken = default)
    {
        var logs = new FakeLogCollector();
        var client = new AmiClient(Microsoft.Extensions.Options.Options.Create(options), time ?? TimeProvider.System, new FakeLogger<AmiClient>(logs));
        await client.StartAsync(cancellationToken);
        if (waitForLogin)
        {
            await client.WaitUntilConnectedAsync(cancellationToken);
        }

        return new AmiTestClient(client, options, logs);
    }

    public static ILogger<T> Logger<T>(FakeLogCollector logs) => new FakeLogger<T>(logs);

    public static IOptions<AmiOptions> Wrap(AmiOptions options) => Microsoft.Extensions.Options.Options.Create(options);

    public async ValueTask DisposeAsync()
    {
        await Client.StopAsync(CancellationToken.None);
        Client.Dispose();
    }
}
