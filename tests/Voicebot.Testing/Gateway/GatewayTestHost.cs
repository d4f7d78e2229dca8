using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Voicebot.Gateway;
using Voicebot.Gateway.Calls;

namespace Voicebot.Testing.Gateway;

/// <summary>
/// A real Kestrel on 127.0.0.1 with a free port, serving the AudioSocket gateway over a <see cref="FakeCallControl"/>.
/// No Orleans: the gateway's control plane is the fake.
/// </summary>
public sealed class GatewayTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayTestHost(WebApplication app, FakeCallControl control, int port)
    {
        _app = app;
        Control = control;
        Port = port;
    }

    public FakeCallControl Control { get; }

    /// <summary>The port Asterisk (the fake client) connects to.</summary>
    public int Port { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<GatewayTestHost> StartAsync(
        Action<AudioSocketOptions>? configure = null,
        Action<IServiceCollection>? configureServices = null,
        CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AudioSocket:ListenAddress"] = "127.0.0.1",
            ["AudioSocket:Port"] = "0",
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);

        var control = new FakeCallControl();
        builder.Services.AddSingleton<ICallControl>(control);
        configureServices?.Invoke(builder.Services);
        builder.Services.AddAudioSocketGateway(builder.Configuration);
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        var app = builder.Build();
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new GatewayTestHost(app, control, new Uri(address).Port);
    }

    public Task<FakeAsteriskClient> ConnectAsync(CancellationToken cancellationToken = default) =>
        FakeAsteriskClient.ConnectAsync(Port, cancellationToken);

    /// <summary>A call up and running: connected, its UUID sent, the caller's 20 ms audio pump on, the control plane told.</summary>
    public async Task<LiveCall> StartLiveCallAsync(CancellationToken cancellationToken = default)
    {
        var client = await ConnectAsync(cancellationToken);
        var callId = Guid.NewGuid();
        await client.SendUuidAsync(callId, cancellationToken);
        client.StartAudioPump();
        await Control.Call(callId).Started.Task.WaitAsync(cancellationToken);
        return new LiveCall(callId, client);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
