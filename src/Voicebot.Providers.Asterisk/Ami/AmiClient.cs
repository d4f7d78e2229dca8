using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Voicebot.Providers.Asterisk.Ami;

/// <summary>
/// A plain-TCP AMI client, run as a hosted service: connects, reads the banner, logs in, correlates replies by
/// <c>ActionID</c> (list replies included, see <see cref="AmiConnection"/>), raises unsolicited events, pings to keep the
/// session alive, and reconnects with exponential backoff and jitter (from about <see cref="AmiOptions.ReconnectMinDelay"/>
/// doubling up to <see cref="AmiOptions.ReconnectMaxDelay"/>, see <see cref="AmiReconnectLoop"/>) after a drop. A refused
/// login is logged as an error and retried every <see cref="AmiOptions.ReconnectMaxDelay"/>: the host keeps running.
/// Every wait goes through the <see cref="TimeProvider"/>. Thread-safe.
/// </summary>
/// <remarks>
/// Written on the socket rather than taken from NuGet: the AMI packages there (AsterNET and its forks) are .NET
/// Standard libraries built around a reader thread and blocking sends, without <see cref="CancellationToken"/> or
/// <see cref="TimeProvider"/>, and the bot needs six actions of a small text protocol. (The registry's search was not
/// reachable from the build machine, so no package was test-built.)
/// </remarks>
public sealed class AmiClient : BackgroundService, IAmiClient
{
    /// <summary>Largest message accepted; a longer one drops the connection (a <c>Status</c> event is about 1 KiB).</summary>
    public const int MaxMessageBytes = 256 * 1024;

    private const string BannerPrefix = "Asterisk Call Manager/";

    private readonly AmiOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AmiClient> _logger;
    private readonly AmiReconnectLoop _reconnect;
    private readonly string _actionIdPrefix = $"vb-{Guid.NewGuid():N}"[..11];
    private readonly Lock _stateGate = new();
    private TaskCompletionSource _connected = NewSignal();
    private AmiConnection? _current;
    private bool _stopping;

    public AmiClient(IOptions<AmiOptions> options, TimeProvider time, ILogger<AmiClient> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        _time = time;
        _logger = logger;
        _reconnect = new AmiReconnectLoop(_options, time, logger);
    }

    /// <inheritdoc />
    public event EventHandler<AmiMessage>? EventReceived;

    /// <inheritdoc />
    public bool IsConnected => Volatile.Read(ref _current) is not null;

    /// <summary>The banner of the current or last connection (<c>Asterisk Call Manager/13.0.0</c>), or <see langword="null"/>.</summary>
    public string? Banner { get; private set; }

    /// <inheritdoc />
    public Task<AmiResponse> SendAsync(AmiAction action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        var connection = Volatile.Read(ref _current);
        return connection is null
            ? Task.FromException<AmiResponse>(new AmiUnavailableException($"AMI is not connected to {_options.Host}:{_options.Port}."))
            : connection.SendAsync(action, cancellationToken);
    }

    /// <inheritdoc />
    public Task WaitUntilConnectedAsync(CancellationToken cancellationToken = default)
    {
        lock (_stateGate)
        {
            return _current is not null ? Task.CompletedTask : _connected.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Logs off politely (bounded by <see cref="AmiOptions.RequestTimeout"/>), then stops the connection loop.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _stopping, true);
        if (Volatile.Read(ref _current) is { } connection)
        {
            try
            {
                await connection.SendAsync(new AmiAction("Logoff"), cancellationToken);
            }
            catch (Exception ex) when (ex is AmiUnavailableException or OperationCanceledException)
            {
                // Asterisk will notice the closed socket instead.
            }
        }

        await base.StopAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _reconnect.RunAsync(RunSessionAsync, stoppingToken);

    /// <summary>One attempt: connect, log in and serve until the session ends. Never throws.</summary>
    private async Task<AmiSessionOutcome> RunSessionAsync(CancellationToken stoppingToken)
    {
        AmiSessionOutcome outcome;
        try
        {
            outcome = await RunConnectionAsync(stoppingToken);
        }
        catch (Exception ex)
        {
            // A hosted service that throws stops the host: never let the AMI side take the calls down with it.
            if (stoppingToken.IsCancellationRequested)
            {
                return AmiSessionOutcome.Stopped;
            }

            AsteriskLog.AmiConnectFailed(_logger, _options.Host, _options.Port, AmiConnection.Describe(ex, ex.GetType().Name));
            outcome = AmiSessionOutcome.ConnectFailed;
        }

        return stoppingToken.IsCancellationRequested || Volatile.Read(ref _stopping) ? AmiSessionOutcome.Stopped : outcome;
    }

    private async Task<AmiSessionOutcome> RunConnectionAsync(CancellationToken stoppingToken)
    {
        using var tcp = new TcpClient { NoDelay = true };
        AmiConnection connection;
        try
        {
            using (var timeout = new CancellationTokenSource(_options.RequestTimeout, _time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token))
            {
                await tcp.ConnectAsync(_options.Host, _options.Port, linked.Token);
                var stream = tcp.GetStream();
                var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
                connection = new AmiConnection(stream, reader, _actionIdPrefix, _options.RequestTimeout, _time, _logger, OnEvent);
                Banner = await ReadBannerAsync(reader, linked.Token);
            }
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is SocketException or IOException or OperationCanceledException or AmiProtocolException)
        {
            AsteriskLog.AmiConnectFailed(_logger, _options.Host, _options.Port, AmiConnection.Describe(ex, "no banner"));
            return AmiSessionOutcome.ConnectFailed;
        }
        catch (OperationCanceledException)
        {
            return AmiSessionOutcome.Stopped;
        }

        using var connectionStopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var readLoop = connection.ReadLoopAsync(connectionStopping.Token);
        try
        {
            var login = new AmiAction("Login")
                .Add("Username", _options.Username)
                .Add("Secret", _options.Secret)
                .Add("Events", _options.Events);
            AmiResponse reply;
            try
            {
                reply = await connection.SendAsync(login, stoppingToken);
            }
            catch (AmiUnavailableException ex)
            {
                AsteriskLog.AmiConnectFailed(_logger, _options.Host, _options.Port, ex.Message);
                return AmiSessionOutcome.ConnectFailed;
            }

            if (!reply.IsSuccess)
            {
                AsteriskLog.AmiLoginRefused(
                    _logger, _options.Host, _options.Port, _options.Username, reply.MessageText ?? reply.Message.Response ?? "no message", _options.ReconnectMaxDelay);
                return AmiSessionOutcome.LoginRefused;
            }

            SetCurrent(connection);
            AsteriskLog.AmiConnected(_logger, _options.Host, _options.Port, _options.Username, Banner ?? "");
            var pings = PingLoopAsync(connection, connectionStopping.Token);
            var reason = await readLoop;
            ClearCurrent(connection);
            await connectionStopping.CancelAsync();
            await pings;
            if (stoppingToken.IsCancellationRequested || Volatile.Read(ref _stopping))
            {
                return AmiSessionOutcome.Stopped;
            }

            AsteriskLog.AmiDisconnected(_logger, _options.Host, _options.Port, reason);
            return AmiSessionOutcome.Dropped;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return AmiSessionOutcome.Stopped;
        }
        finally
        {
            ClearCurrent(connection);
            connection.Close("the client stopped");
            await connectionStopping.CancelAsync();
            await readLoop;
            await connection.Reader.CompleteAsync();
        }
    }

    private static async Task<string> ReadBannerAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            try
            {
                if (AmiMessageReader.TryReadLine(ref buffer, 1024, out var line))
                {
                    if (!line.StartsWith(BannerPrefix, StringComparison.Ordinal))
                    {
                        throw new AmiProtocolException($"Not an AMI banner: '{line}'.");
                    }

                    return line;
                }

                if (result.IsCompleted)
                {
                    throw new IOException("The connection closed before the AMI banner.");
                }
            }
            finally
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
    }

    private void OnEvent(AmiMessage message)
    {
        try
        {
            EventReceived?.Invoke(this, message);
        }
        catch (Exception ex)
        {
            AsteriskLog.AmiEventHandlerFailed(_logger, message.EventName, ex);
        }
    }

    private async Task PingLoopAsync(AmiConnection connection, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.PingInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    var reply = await connection.SendAsync(new AmiAction("Ping"), cancellationToken);
                    if (!reply.IsSuccess)
                    {
                        throw new AmiUnavailableException($"Ping refused: {reply.MessageText}");
                    }
                }
                catch (AmiUnavailableException ex)
                {
                    if (!connection.IsClosed)
                    {
                        AsteriskLog.AmiPingFailed(_logger, _options.Host, _options.Port, ex.Message);
                        connection.Close($"keep-alive failed: {ex.Message}");
                    }

                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void SetCurrent(AmiConnection connection)
    {
        lock (_stateGate)
        {
            Volatile.Write(ref _current, connection);
            _connected.TrySetResult();
        }
    }

    private void ClearCurrent(AmiConnection connection)
    {
        lock (_stateGate)
        {
            if (ReferenceEquals(_current, connection))
            {
                Volatile.Write(ref _current, null);
                _connected = NewSignal();
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
