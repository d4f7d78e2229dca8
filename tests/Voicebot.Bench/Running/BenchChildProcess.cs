using System.Diagnostics;

namespace Voicebot.Bench.Running;

/// <summary>
/// Another instance of this bench program running one of its helper commands (<c>floor</c>, <c>hog</c>) in its own
/// process, so the CPU it uses is measured apart from the callers'. Killed, with its children, on dispose.
/// </summary>
internal sealed class BenchChildProcess : IDisposable
{
    private readonly Process _process;
    private bool _disposed;

    private BenchChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>Starts <c>Voicebot.Bench <paramref name="arguments"/></c> with its standard output redirected.</summary>
    public static BenchChildProcess Start(params string[] arguments)
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            info.ArgumentList.Add(typeof(BenchChildProcess).Assembly.Location);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return new BenchChildProcess(Process.Start(info) ?? throw new InvalidOperationException($"Could not start {host}."));
    }

    /// <summary>The next line the process writes, or an error if it exits first.</summary>
    public async Task<string> ReadLineAsync(CancellationToken cancellationToken) =>
        await _process.StandardOutput.ReadLineAsync(cancellationToken)
        ?? throw new InvalidOperationException($"The bench's helper process exited with {(_process.HasExited ? _process.ExitCode : -1)} before saying it was ready.");

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        _process.Dispose();
    }
}
