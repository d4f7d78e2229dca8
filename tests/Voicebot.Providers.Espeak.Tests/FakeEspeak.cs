namespace Voicebot.Providers.Espeak.Tests;

/// <summary>
/// Shell scripts standing in for espeak-ng. Each records the process ids it starts in <see cref="PidFile"/>, so a test
/// can check that they are gone.
/// </summary>
internal sealed class FakeEspeak : IDisposable
{
    private FakeEspeak(string directory, string body)
    {
        Directory = directory;
        PidFile = Path.Combine(directory, "pids");
        ExecutablePath = Path.Combine(directory, "fake-espeak-ng");
        File.WriteAllText(
            ExecutablePath,
            $"""
            #!/bin/sh
            if [ "$1" = "--version" ]; then echo "eSpeak NG text-to-speech: 0.0-fake  Data at: /nowhere"; exit 0; fi
            echo $$ >> "{PidFile}"
            {body}
            """.Replace("\r\n", "\n", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(ExecutablePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public string Directory { get; }

    public string ExecutablePath { get; }

    public string PidFile { get; }

    /// <summary>Real espeak-ng output, then the script hangs with stdout still open (a child <c>sleep</c> holds it).</summary>
    public static FakeEspeak SpeaksThenHangs() => Create(
        """
        espeak-ng "$@"
        sleep 300 &
        echo $! >> "$(dirname "$0")/pids"
        wait
        """);

    /// <summary>Writes nothing and never exits.</summary>
    public static FakeEspeak Hangs() => Create(
        """
        sleep 300 &
        echo $! >> "$(dirname "$0")/pids"
        wait
        """);

    /// <summary>Exits with code 3 after a message on stderr.</summary>
    public static FakeEspeak Fails() => Create(
        """
        echo "boom: synthesizer exploded" >&2
        exit 3
        """);

    public IReadOnlyList<int> Pids() =>
        File.Exists(PidFile) ? [.. File.ReadAllLines(PidFile).Where(l => l.Length > 0).Select(int.Parse)] : [];

    public async Task<IReadOnlyList<int>> WaitForPidsAsync(int count)
    {
        // Generous bound for a loaded machine; a pass never waits that long.
        for (var i = 0; i < 600 && Pids().Count < count; i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        return Pids();
    }

    public static bool IsAlive(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) S ..."; a zombie (Z) or dead (X) process is gone for our purposes.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static async Task<bool> WaitUntilGoneAsync(IEnumerable<int> pids)
    {
        for (var i = 0; i < 200; i++)
        {
            if (!pids.Any(IsAlive))
            {
                return true;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        return false;
    }

    public void Dispose()
    {
        foreach (var pid in Pids().Where(IsAlive))
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException)
            {
            }
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static FakeEspeak Create(string body) =>
        new(System.IO.Directory.CreateTempSubdirectory("voicebot-espeak-").FullName, body);
}
