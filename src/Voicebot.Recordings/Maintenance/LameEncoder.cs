using System.ComponentModel;
using System.Diagnostics;

namespace Voicebot.Recordings.Maintenance;

/// <summary>Runs LAME (<c>lame</c>, Debian package <c>lame</c>) to encode WAV to MP3 and decode MP3 back for verification.</summary>
/// <param name="executable">A name looked up on <c>PATH</c>, or a path.</param>
public sealed class LameEncoder(string executable)
{
    /// <summary>What to do when LAME is missing.</summary>
    public const string InstallHint = "Install LAME (Debian/Ubuntu: sudo apt-get install lame) or set Recordings:Archive:Encoder to its full path.";

    /// <summary>The executable as configured.</summary>
    public string Executable { get; } = executable;

    /// <summary>The full path of the executable, or <see langword="null"/> when it is not installed.</summary>
    public string? Locate()
    {
        if (Executable.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return File.Exists(Executable) ? Path.GetFullPath(Executable) : null;
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, Executable);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Encodes <paramref name="wav"/> to <paramref name="mp3"/> at a constant <paramref name="bitrateKbps"/>.</summary>
    public Task EncodeAsync(string wav, string mp3, int bitrateKbps, CancellationToken cancellationToken = default) =>
        RunAsync(["--quiet", "--cbr", "-b", bitrateKbps.ToString(System.Globalization.CultureInfo.InvariantCulture), wav, mp3], cancellationToken);

    /// <summary>Decodes <paramref name="mp3"/> to a WAV file (LAME drops its encoder delay and padding).</summary>
    public Task DecodeAsync(string mp3, string wav, CancellationToken cancellationToken = default) =>
        RunAsync(["--quiet", "--decode", mp3, wav], cancellationToken);

    private async Task RunAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new FileNotFoundException($"Could not start {Executable}. {InstallHint}");
        }
        catch (Win32Exception ex)
        {
            throw new FileNotFoundException($"{Executable} was not found. {InstallHint}", Executable, ex);
        }

        using (process)
        {
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            var message = (await errors).Trim();
            await output;
            if (process.ExitCode != 0)
            {
                throw new IOException($"{Executable} {string.Join(' ', arguments)} exited with {process.ExitCode}: {message}");
            }
        }
    }
}
