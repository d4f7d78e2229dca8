using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Voicebot.Testing.Network;
using Voicebot.Testing.Paths;

namespace Voicebot.EndToEnd.Tests.Drain;

/// <summary>
/// The real product, <c>voicebot serve</c> (the CLI's apphost copied next to the tests), as a child process on free
/// loopback ports, with its console output kept line by line. The phrase cache lives in one directory shared by every
/// run, so only the first run renders the phrases.
/// </summary>
internal sealed class VoicebotProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly string _workingDirectory;

    private VoicebotProcess(Process process, string workingDirectory, int audioSocketPort, int httpPort)
    {
        _process = process;
        _workingDirectory = workingDirectory;
        AudioSocketPort = audioSocketPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
    }

    public int AudioSocketPort { get; }

    public HttpClient Http { get; }

    public int Id => _process.Id;

    /// <summary>Everything the process wrote so far (stdout and stderr), one entry per line.</summary>
    public IReadOnlyList<string> Output => [.. _lines];

    /// <summary>Starts <c>voicebot serve</c> with <paramref name="environment"/> on top of the defaults; returns once it is ready.</summary>
    public static async Task<VoicebotProcess> StartAsync(IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var ports = LoopbackPorts.Take(4);
        var workingDirectory = RepositoryPaths.NewTemporaryDirectory("voicebot-drain");
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
        info.Environment["PhraseCache__Directory"] = Path.Combine(AppContext.BaseDirectory, "data", "drain-phrase-cache");
        info.Environment["Calls__ClipDirectory"] = Path.Combine(workingDirectory, "clips");
        info.Environment["Serilog__MinimumLevel__Default"] = "Information";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var voicebot = new VoicebotProcess(process, workingDirectory, ports[0], ports[1]);
        process.OutputDataReceived += (_, e) => voicebot.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => voicebot.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await voicebot.WaitReadyAsync(cancellationToken);
        }
        catch
        {
            await voicebot.DisposeAsync();
            throw;
        }

        return voicebot;
    }

    /// <summary>Sends SIGTERM, as systemd and Kubernetes do to stop a service.</summary>
    public async Task TerminateAsync(CancellationToken cancellationToken)
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync(cancellationToken);
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>The exit code, once the process has exited within <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        await _process.WaitForExitAsync(limit.Token);
        return _process.ExitCode;
    }

    /// <summary>Waits for an output line containing <paramref name="text"/>; returns it.</summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_lines.FirstOrDefault(line => line.Contains(text, StringComparison.Ordinal)) is { } found)
            {
                return found;
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException($"No line with '{text}' within {timeout}. Output:\n{string.Join('\n', _lines)}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Http.Dispose();
        try
        {
            Directory.Delete(_workingDirectory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        // The first run renders every phrase with espeak-ng: allow for a slow, shared machine.
        var deadline = Stopwatch.GetTimestamp() + (120 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"voicebot exited with {_process.ExitCode} before it was ready. Output:\n{string.Join('\n', _lines)}");
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

        throw new TimeoutException($"voicebot was not ready within 120 s. Output:\n{string.Join('\n', _lines)}");
    }
}
