using System.Diagnostics;
using System.Globalization;
using System.Text;
using Voicebot.Testing.Network;

namespace Voicebot.Testing.Servers;

/// <summary>
/// A private PostgreSQL 15 server for tests: its own data directory under the temp directory, trust authentication on
/// 127.0.0.1 only, a free loopback port. It can be stopped and started again on the same data and port (database
/// outages); <see cref="DisposeAsync"/> stops it hard and deletes everything.
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root, so when the tests run as root every server program runs as the
/// <c>postgres</c> OS user through <c>runuser</c>, on a directory that user owns.
/// </remarks>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>Where Debian's postgresql-15 package puts the server programs.</summary>
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";

    private const string OsUser = "postgres";

    private readonly string _rootDirectory;
    private bool _running;

    private PostgresServer(string rootDirectory, int port)
    {
        _rootDirectory = rootDirectory;
        Port = port;
    }

    /// <summary>The loopback port the server listens on (the same across stop and start).</summary>
    public int Port { get; private set; }

    /// <summary>The data directory (owned by the <c>postgres</c> user).</summary>
    public string DataDirectory => Path.Combine(_rootDirectory, "data");

    /// <summary>The server's log file, useful when a test fails.</summary>
    public string LogFile => Path.Combine(_rootDirectory, "postgres.log");

    /// <summary>Whether the server is up (between a start and a stop).</summary>
    public bool IsRunning => _running;

    /// <summary>An Npgsql connection string to the <c>postgres</c> database as the <c>postgres</c> superuser.</summary>
    public string ConnectionString => ConnectionStringFor("postgres");

    /// <summary>An Npgsql connection string to another database of this server (see <see cref="CreateDatabaseAsync"/>).</summary>
    public string ConnectionStringFor(string database) =>
        string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=5");

    /// <summary>Creates the data directory (initdb) and starts the server; returns once it accepts connections.</summary>
    public static async Task<PostgresServer> CreateAsync(CancellationToken cancellationToken = default)
    {
        var root = Path.Combine(Path.GetTempPath(), $"voicebot-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var server = new PostgresServer(root, LoopbackPorts.Take(1)[0]);
        try
        {
            if (RunningAsRoot)
            {
                await RunAsync("chown", [$"{OsUser}:{OsUser}", root], asServerUser: false, cancellationToken);
            }

            await RunAsync(
                Path.Combine(BinDirectory, "initdb"),
                ["-D", server.DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
                asServerUser: true,
                cancellationToken);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await server.StartAsync(cancellationToken);
                    return server;
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                    // Another process may have taken the free port between our check and the server's bind.
                    server.Port = LoopbackPorts.Take(1)[0];
                }
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the server again on the same data directory and port (after <see cref="StopAsync"/>).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_running)
        {
            return;
        }

        // Small buffers and no fsync: a test server on a shared machine; its socket lives in our own directory.
        var serverOptions = string.Create(
            CultureInfo.InvariantCulture,
            $"-p {Port} -k {_rootDirectory} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=16MB -c max_connections=100");
        await RunAsync(
            Path.Combine(BinDirectory, "pg_ctl"),
            ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", serverOptions, "start"],
            asServerUser: true,
            cancellationToken);
        _running = true;
    }

    /// <summary>Stops the server (fast shutdown: open connections are cut, as in a real outage). Data is kept.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (!_running)
        {
            return;
        }

        await RunAsync(
            Path.Combine(BinDirectory, "pg_ctl"),
            ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"],
            asServerUser: true,
            cancellationToken);
        _running = false;
    }

    /// <summary>Creates a database on this server, for tests that want one of their own.</summary>
    public Task CreateDatabaseAsync(string database, CancellationToken cancellationToken = default) =>
        RunAsync(
            Path.Combine(BinDirectory, "psql"),
            ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-v", "ON_ERROR_STOP=1",
                "-c", $"CREATE DATABASE \"{database}\""],
            asServerUser: false,
            cancellationToken);

    /// <summary>Stops the server at once (immediate shutdown) and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_running)
        {
            try
            {
                await RunAsync(
                    Path.Combine(BinDirectory, "pg_ctl"),
                    ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "30", "stop"],
                    asServerUser: true,
                    CancellationToken.None);
            }
            catch (InvalidOperationException)
            {
                // Already gone: nothing left to stop.
            }

            _running = false;
        }

        try
        {
            Directory.Delete(_rootDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static bool RunningAsRoot => string.Equals(Environment.UserName, "root", StringComparison.Ordinal);

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asServerUser, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asServerUser && RunningAsRoot)
        {
            startInfo.FileName = "runuser";
            startInfo.ArgumentList.Add("-u");
            startInfo.ArgumentList.Add(OsUser);
            startInfo.ArgumentList.Add("--");
            startInfo.ArgumentList.Add(program);
        }
        else
        {
            startInfo.FileName = program;
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = new StringBuilder();
        // pg_ctl start leaves the server holding inherited pipes: read them without waiting for their end.
        void Collect(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        }

        process.OutputDataReceived += Collect;
        process.ErrorDataReceived += Collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            string text;
            lock (output)
            {
                text = output.ToString();
            }

            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {text}");
        }
    }
}
