using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Voicebot.Testing.Network;

namespace Voicebot.Bench.Load;

/// <summary>
/// The product as it runs in production — <c>voicebot serve</c>, Release build, its own appsettings.json — as a child
/// process on free loopback ports, with the settings the bench needs on top (environment variables). Keeps the last
/// lines of its output for error messages.
/// </summary>
internal sealed class ProductProcess : IAsyncDisposable
{
    private const int KeptLines = 200;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private ProductProcess(Process process, int audioSocketPort, int httpPort)
    {
        _process = process;
        AudioSocketPort = audioSocketPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int AudioSocketPort { get; }

    public HttpClient Http { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string RecentOutput => string.Join('\n', _lines);

    public static async Task<ProductProcess> StartAsync(IReadOnlyDictionary<string, string> environment, string workingDirectory, CancellationToken cancellationToken)
    {
        var ports = LoopbackPorts.Take(4);
        var binary = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "voicebot.exe" : "voicebot");
        var info = new ProcessStartInfo(binary)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add(Invariant($"--AudioSocket:Port={ports[0]}"));
        info.ArgumentList.Add(Invariant($"--Http:Port={ports[1]}"));
        info.ArgumentList.Add(Invariant($"--Orleans:SiloPort={ports[2]}"));
        info.ArgumentList.Add(Invariant($"--Orleans:GatewayPort={ports[3]}"));
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var product = new ProductProcess(process, ports[0], ports[1]);
        process.OutputDataReceived += (_, e) => product.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => product.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await product.WaitReadyAsync(cancellationToken);
        }
        catch
        {
            await product.DisposeAsync();
            throw;
        }

        return product;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM first: the product drains and flushes its records; a kill only if it lingers.
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        Http.Dispose();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        while (_lines.Count > KeptLines && _lines.TryDequeue(out _))
        {
        }
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        // The first run renders every phrase through the synthesizer emulator: allow for a slow machine.
        var deadline = Stopwatch.GetTimestamp() + (180 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"voicebot exited with {_process.ExitCode} before it was ready:\n{RecentOutput}");
            }

            try
            {
                using var response = await Http.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"voicebot was not ready within 180 s:\n{RecentOutput}");
    }
}
