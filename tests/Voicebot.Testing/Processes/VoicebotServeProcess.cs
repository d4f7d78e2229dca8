using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Voicebot.Testing.Network;
using Voicebot.Testing.Paths;

namespace Voicebot.Testing.Processes;

/// <summary>
/// The real product, <c>voicebot serve</c> (the CLI's apphost copied next to the running binaries), as a child process
/// on free loopback ports, ready once <c>/health/ready</c> answers. Clips, recordings, call records and log files go
/// under its working directory unless the settings say otherwise. Its console output is kept line by line (the last
/// <see cref="VoicebotServeSettings.KeptLines"/>). Disposing it stops it the way systemd does: SIGTERM, then a kill if it
/// lingers past <see cref="VoicebotServeSettings.StopTimeout"/>.
/// </summary>
public sealed class VoicebotServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly VoicebotServeSettings _settings;
    private readonly string? _ownedDirectory;

    private VoicebotServeProcess(Process process, VoicebotServeSettings settings, string? ownedDirectory, int audioSocketPort, int httpPort)
    {
        _process = process;
        _settings = settings;
        _ownedDirectory = ownedDirectory;
        AudioSocketPort = audioSocketPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int AudioSocketPort { get; }

    public HttpClient Http { get; }

    public int Id => _process.Id;

    /// <summary>Where it runs and writes its data.</summary>
    public string WorkingDirectory => _process.StartInfo.WorkingDirectory;

    public bool HasExited => _process.HasExited;

    /// <summary>What the process wrote (stdout and stderr), one entry per line, oldest first.</summary>
    public IReadOnlyList<string> Output => [.. _lines];

    /// <summary><see cref="Output"/> as one text, for failure messages.</summary>
    public string OutputText => string.Join('\n', _lines);

    /// <summary>Starts <c>voicebot serve</c> with <paramref name="settings"/>; returns once it is ready.</summary>
    public static async Task<VoicebotServeProcess> StartAsync(VoicebotServeSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var ports = settings.Ports ?? LoopbackPorts.Take(4);
        var ownedDirectory = settings.WorkingDirectory is null ? RepositoryPaths.NewTemporaryDirectory("voicebot-serve") : null;
        var binary = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "voicebot.exe" : "voicebot");
        var info = new ProcessStartInfo(binary)
        {
            WorkingDirectory = settings.WorkingDirectory ?? ownedDirectory!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add(Invariant($"--AudioSocket:Port={ports[0]}"));
        info.ArgumentList.Add(Invariant($"--Http:Port={ports[1]}"));
        info.ArgumentList.Add(Invariant($"--Orleans:SiloPort={ports[2]}"));
        info.ArgumentList.Add(Invariant($"--Orleans:GatewayPort={ports[3]}"));
        info.Environment["NO_COLOR"] = "1";   // the kept lines are searched as plain text

        // What the product writes goes under the working directory, never into the binaries' directory, unless told.
        var work = info.WorkingDirectory;
        info.Environment["Calls__ClipDirectory"] = Path.Combine(work, "clips");
        info.Environment["Recordings__Directory"] = Path.Combine(work, "recordings");
        info.Environment["Records__SqlitePath"] = Path.Combine(work, "calls.db");
        info.Environment["Records__SpoolDirectory"] = Path.Combine(work, "records-spool");
        info.Environment["Serilog__WriteTo__JsonFile__Args__path"] = Path.Combine(work, "logs", "voicebot-.json");
        foreach (var (key, value) in settings.Environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var voicebot = new VoicebotServeProcess(process, settings, ownedDirectory, ports[0], ports[1]);
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
    public async Task TerminateAsync(CancellationToken cancellationToken = default)
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync(cancellationToken);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -TERM {_process.Id} exited with {kill.ExitCode}.");
        }
    }

    /// <summary>
    /// Sends SIGKILL, as a crash or the OOM killer would: no shutdown code runs. Returns once the process has exited.
    /// </summary>
    public async Task KillAsync(CancellationToken cancellationToken = default)
    {
        _process.Kill();
        await _process.WaitForExitAsync(cancellationToken);
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

        throw new TimeoutException($"No line with '{text}' within {timeout}. Output:\n{OutputText}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await TerminateAsync();
                await WaitForExitAsync(_settings.StopTimeout, CancellationToken.None);
            }
            catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        Http.Dispose();
        if (_ownedDirectory is not null)
        {
            try
            {
                Directory.Delete(_ownedDirectory, recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        while (_lines.Count > _settings.KeptLines && _lines.TryDequeue(out _))
        {
        }
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(_settings.ReadyTimeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"voicebot exited with {_process.ExitCode} before it was ready. Output:\n{OutputText}");
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

        throw new TimeoutException($"voicebot was not ready within {_settings.ReadyTimeout}. Output:\n{OutputText}");
    }
}

/// <summary>How to start <see cref="VoicebotServeProcess"/>.</summary>
public sealed record VoicebotServeSettings
{
    /// <summary>Settings on top of the product's appsettings.json, as environment variables (<c>Section__Key</c>).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The process's working directory; a temporary one, deleted on dispose, when <see langword="null"/>.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>AudioSocket, HTTP, silo and Orleans gateway ports; free ones when <see langword="null"/>. The same ports
    /// and working directory make a restart of the same server.</summary>
    public IReadOnlyList<int>? Ports { get; init; }

    /// <summary>
    /// How long it may take to answer <c>/health/ready</c>. The first run renders every phrase, possibly through a slow
    /// synthesizer, on a shared machine: 3 minutes by default.
    /// </summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>How long a SIGTERM may take before dispose kills the process. Default 30 s.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Output lines kept (the oldest are dropped). Default: all.</summary>
    public int KeptLines { get; init; } = int.MaxValue;
}
