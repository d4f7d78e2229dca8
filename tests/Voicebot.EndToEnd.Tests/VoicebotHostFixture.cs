using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Voicebot.Abstractions.Phrases;
using Voicebot.Abstractions.Technicians;
using Voicebot.Grains.Phrases;
using Voicebot.Host;
using Voicebot.Testing.Fakes;
using Voicebot.Testing.Network;
using Voicebot.Testing.Paths;

[assembly: AssemblyFixture(typeof(Voicebot.EndToEnd.Tests.VoicebotHostFixture))]

namespace Voicebot.EndToEnd.Tests;

/// <summary>
/// The real product (silo + AudioSocket gateway + HTTP, espeak-ng phrases) started once for the whole assembly on free
/// loopback ports. Technician availability is switchable per call; the silence timeouts are shortened so a silent
/// caller takes seconds, not a quarter of a minute.
/// </summary>
public sealed class VoicebotHostFixture : IAsyncLifetime
{
    public const int MaxConcurrentCalls = 16;

    /// <summary>The operator token the host requires for call data; <see cref="Http"/> sends it.</summary>
    public const string OperatorToken = "e2e-operator-token-0123456789";

    public SwitchableTechnicianAvailability Technicians { get; } = new();

    public string DataDirectory { get; } = RepositoryPaths.NewTemporaryDirectory("voicebot-e2e");

    public WebApplication App { get; private set; } = null!;

    public int AudioSocketPort { get; private set; }

    public int HttpPort { get; private set; }

    public HttpClient Http { get; } = new();

    /// <summary>Configuration applied over the fixture's own, set before <see cref="InitializeAsync"/> (a dedicated host).</summary>
    public IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    /// <summary>Where the host writes its JSON log files.</summary>
    public string LogDirectory => Path.Combine(DataDirectory, "logs");

    public async ValueTask InitializeAsync()
    {
        var ports = LoopbackPorts.Take(4);
        AudioSocketPort = ports[0];
        HttpPort = ports[1];
        Http.BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}");
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", OperatorToken);
        App = VoicebotHost.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AudioSocket:Port"] = AudioSocketPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["AudioSocket:MaxConcurrentCalls"] = MaxConcurrentCalls.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Http:Port"] = HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Http:OperatorToken"] = OperatorToken,
                ["Orleans:SiloPort"] = ports[2].ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Orleans:GatewayPort"] = ports[3].ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Calls:ClipDirectory"] = Path.Combine(DataDirectory, "clips"),
                ["Recordings:Directory"] = Path.Combine(DataDirectory, "recordings"),
                ["Records:SqlitePath"] = Path.Combine(DataDirectory, "calls.db"),
                ["Records:SpoolDirectory"] = Path.Combine(DataDirectory, "records-spool"),
                ["Calls:SilenceReprompt"] = "00:00:04",
                ["Calls:SilenceGiveUp"] = "00:00:08",
                ["Serilog:MinimumLevel:Default"] = "Warning",
                ["Serilog:WriteTo:JsonFile:Args:path"] = Path.Combine(LogDirectory, "voicebot-.json"),
            });
            builder.Configuration.AddInMemoryCollection(Settings);
            builder.Services.AddSingleton<ITechnicianAvailability>(Technicians);
        });
        await App.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        Http.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    /// <summary>Every phrase as the bot plays it at <paramref name="sampleRate"/>.</summary>
    public Task<IReadOnlyList<PhraseAudio>> PhrasesAsync(int sampleRate, CancellationToken cancellationToken) =>
        App.Services.GetRequiredService<PhraseStore>().GetAllAsync(sampleRate, cancellationToken);

}
