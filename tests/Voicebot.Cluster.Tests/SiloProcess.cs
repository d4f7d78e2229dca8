using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Voicebot.Testing.Network;

namespace Voicebot.Cluster.Tests;

/// <summary>
/// One <c>voicebot serve</c> child process (the built CLI next to the tests) on its own free AudioSocket, HTTP, silo
/// and gateway ports, with extra host arguments (clustering, stores). Its console output is kept for failure messages.
/// </summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SiloProcess(Process process, string name, int[] ports)
    {
        _process = process;
        Name = name;
        AudioSocketPort = ports[0];
        HttpPort = ports[1];
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public string Name { get; }

    public int AudioSocketPort { get; }

    public int HttpPort { get; }

    public HttpClient Http { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static SiloProcess Start(string name, IEnumerable<string> hostArguments)
    {
        var ports = LoopbackPorts.Take(4);
        var appHost = Path.Combine(AppContext.BaseDirectory, "voicebot");
        var startInfo = File.Exists(appHost)
            ? new ProcessStartInfo(appHost)
            : new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(AppContext.BaseDirectory, "voicebot.dll") } };
        startInfo.WorkingDirectory = AppContext.BaseDirectory;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        startInfo.Environment["NO_COLOR"] = "1";
        foreach (var argument in new[]
        {
            "serve",
            $"--AudioSocket:Port={ports[0]}",
            $"--Http:Port={ports[1]}",
            $"--Orleans:SiloPort={ports[2]}",
            $"--Orleans:GatewayPort={ports[3]}",
            "--Orleans:AdvertisedAddress=127.0.0.1",
            "--Serilog:MinimumLevel:Default=Warning",
            "--Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime=Information",
            "--Serilog:MinimumLevel:Override:Orleans.Runtime.MembershipService=Information",
        }.Concat(hostArguments))
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start voicebot.");
        var silo = new SiloProcess(process, name, ports);
        process.OutputDataReceived += silo.Collect;
        process.ErrorDataReceived += silo.Collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200.</summary>
    public async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before it was ready:\n{Output}");
            }

            try
            {
                using var response = await Http.GetAsync("/health/ready", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    public async Task<ClusterView> GetClusterAsync(CancellationToken cancellationToken) =>
        await Http.GetFromJsonAsync<ClusterView>("/cluster/silos", JsonSerializerOptions.Web, cancellationToken)
        ?? throw new InvalidOperationException("empty /cluster/silos");

    /// <summary>The silo that hosts a call's grain, from <c>GET /calls/{id}</c>.</summary>
    public async Task<string?> GetCallSiloAsync(Guid callId, CancellationToken cancellationToken)
    {
        using var snapshot = JsonDocument.Parse(await Http.GetStringAsync($"/calls/{callId:D}", cancellationToken));
        return snapshot.RootElement.GetProperty("silo").GetString();
    }

    /// <summary>Sends SIGTERM, as systemd, Docker and Kubernetes do on stop.</summary>
    public async Task SendSigtermAsync(CancellationToken cancellationToken)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture) } })
            ?? throw new InvalidOperationException("Could not run kill.");
        await kill.WaitForExitAsync(cancellationToken);
    }

    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Collect(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is not null)
        {
            lock (_output)
            {
                _output.AppendLine(e.Data);
            }
        }
    }
}

/// <summary>What <c>GET /cluster/silos</c> returns.</summary>
internal sealed record ClusterView(string Local, string Name, long Version, IReadOnlyList<ClusterSilo> Silos);

/// <summary>One member as a silo sees it.</summary>
internal sealed record ClusterSilo(string Address, string Name, string Status);
