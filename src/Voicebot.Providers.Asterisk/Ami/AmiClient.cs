using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Voicebot.Providers.Asterisk.Ami;

/// <summary>
/// A plain-TCP AMI client, run as a hosted service: connects, reads the banner, logs in, correlates replies by
/// <c>ActionID</c> (list replies included), raises unsolicited events, pings to keep the session alive, and reconnects
/// with exponential backoff (<see cref="AmiOptions.ReconnectMinDelay"/> doubling to <see cref="AmiOptions.ReconnectMaxDelay"/>)
/// after a drop. A refused login is logged as an error and retried every <see cref="AmiOptions.ReconnectMaxDelay"/>:
/// the host keeps running. Every wait goes through the <see cref="TimeProvider"/>. Thread-safe.
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
    private readonly string _actionIdPrefix = $"vb-{Guid.NewGuid():N}"[..11];
    private readonly Lock _stateGate = new();
    private TaskCompletionSource _connected = NewSignal();
    private Connection? _current;
    private long _nextActionId;
    private bool _stopping;

    public AmiClient(IOptions<AmiOptions> options, TimeProvider time, ILogger<AmiClient> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        _time = time;
        _logger = logger;
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
            : SendOnAsync(connection, action, cancellationToken);
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
                await SendOnAsync(connection, new AmiAction("Logoff"), cancellationToken);
            }
            catch (Exception ex) when (ex is AmiUnavailableException or OperationCanceledException)
            {
                // Asterisk will notice the closed socket instead.
            }
        }

        await base.StopAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            ConnectionOutcome outcome;
            try
            {
                outcome = await RunConnectionAsync(stoppingToken);
            }
            catch (Exception ex)
            {
                // A hosted service that throws stops the host: never let the AMI side take the calls down with it.
                if (stoppingToken.IsCancellationRequested)
                {
                    break;
                }

                AsteriskLog.AmiConnectFailed(_logger, _options.Host, _options.Port, Describe(ex, ex.GetType().Name));
                outcome = ConnectionOutcome.ConnectFailed;
            }

            if (outcome == ConnectionOutcome.Stopped || stoppingToken.IsCancellationRequested || Volatile.Read(ref _stopping))
            {
                break;
            }

            TimeSpan delay;
            if (outcome == ConnectionOutcome.LoginRefused)
            {
                delay = _options.ReconnectMaxDelay;   // logged by RunConnectionAsync; hammering a wrong secret helps no one
                failures++;
            }
            else
            {
                if (outcome == ConnectionOutcome.Dropped)
                {
                    failures = 0;   // it worked for a while: start the backoff over
                }

                delay = BackoffDelay(failures++);
                AsteriskLog.AmiReconnecting(_logger, _options.Host, _options.Port, delay, failures);
            }

            try
            {
                await Task.Delay(delay, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>The wait before attempt <paramref name="failures"/> + 1: min · 2^failures, capped at max.</summary>
    internal TimeSpan BackoffDelay(int failures)
    {
        var min = _options.ReconnectMinDelay;
        var max = _options.ReconnectMaxDelay;
        var factor = Math.Pow(2, Math.Min(failures, 30));
        var ticks = min.Ticks * factor;
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }

    private async Task<ConnectionOutcome> RunConnectionAsync(CancellationToken stoppingToken)
    {
        using var tcp = new TcpClient { NoDelay = true };
        Connection connection;
        try
        {
            using (var timeout = new CancellationTokenSource(_options.RequestTimeout, _time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token))
            {
                await tcp.ConnectAsync(_options.Host, _options.Port, linked.Token);
                var stream = tcp.GetStream();
                var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
                connection = new Connection(stream, reader);
                Banner = await ReadBannerAsync(reader, linked.Token);
            }
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is SocketException or IOException or OperationCanceledException or AmiProtocolException)
        {
            AsteriskLog.AmiConnectFailed(_logger, _options.Host, _options.Port, Describe(ex, "no banner"));
            return ConnectionOutcome.ConnectFailed;
        }
        catch (OperationCanceledException)
        {
            return ConnectionOutcome.Stopped;
        }

        using var connectionStopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var readLoop = ReadLoopAsync(connection, connectionStopping.Token);
        try
        {
            var login = new AmiAction("Login")
                .Add("Username", _options.Username)
                .Add("Secret", _options.Secret)
                .Add("Events", _options.Events);
            AmiResponse reply;
            try
            {
                reply = await SendOnAsync(connection, login, stoppingToken);
            }
            catch (AmiUnavailableException ex)
            {
                AsteriskLog.AmiConnectFailed(_logger, _options.Host, _options.Port, ex.Message);
                return ConnectionOutcome.ConnectFailed;
            }

            if (!reply.IsSuccess)
            {
                AsteriskLog.AmiLoginRefused(
                    _logger, _options.Host, _options.Port, _options.Username, reply.MessageText ?? reply.Message.Response ?? "no message", _options.ReconnectMaxDelay);
                return ConnectionOutcome.LoginRefused;
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
                return ConnectionOutcome.Stopped;
            }

            AsteriskLog.AmiDisconnected(_logger, _options.Host, _options.Port, reason);
            return ConnectionOutcome.Dropped;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return ConnectionOutcome.Stopped;
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

    /// <summary>Reads until the connection ends; returns why it ended. Never throws.</summary>
    private async Task<string> ReadLoopAsync(Connection connection, CancellationToken cancellationToken)
    {
        await Task.Yield();   // the caller goes on to log in while this loop runs
        var reason = "closed by Asterisk";
        try
        {
            while (true)
            {
                var result = await connection.Reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                try
                {
                    while (AmiMessageReader.TryRead(ref buffer, MaxMessageBytes, out var message))
                    {
                        Dispatch(connection, message!);
                    }

                    if (result.IsCompleted)
                    {
                        break;
                    }
                }
                finally
                {
                    connection.Reader.AdvanceTo(buffer.Start, buffer.End);
                }
            }
        }
        catch (OperationCanceledException)
        {
            reason = connection.CloseReason ?? "the client stopped";
        }
        catch (Exception ex)
        {
            // Whatever broke the session (socket, protocol), the answer is the same: drop it and reconnect.
            reason = connection.CloseReason ?? Describe(ex, "read failed");
        }

        connection.Close(reason);
        return reason;
    }

    private void Dispatch(Connection connection, AmiMessage message)
    {
        var actionId = message.ActionId;
        if (message.Response is not null)
        {
            if (actionId is not null && connection.Pending.TryGetValue(actionId, out var pending))
            {
                pending.OnResponse(message);
            }
            else
            {
                AsteriskLog.AmiUnmatchedResponse(_logger, actionId);
            }

            return;
        }

        if (actionId is not null && connection.Pending.TryGetValue(actionId, out var list) && list.IsCollectingEvents)
        {
            list.OnEvent(message);
            return;
        }

        if (message.EventName is null)
        {
            return;
        }

        try
        {
            EventReceived?.Invoke(this, message);
        }
        catch (Exception ex)
        {
            AsteriskLog.AmiEventHandlerFailed(_logger, message.EventName, ex);
        }
    }

    private async Task PingLoopAsync(Connection connection, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.PingInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    var reply = await SendOnAsync(connection, new AmiAction("Ping"), cancellationToken);
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

    private async Task<AmiResponse> SendOnAsync(Connection connection, AmiAction action, CancellationToken cancellationToken)
    {
        var actionId = $"{_actionIdPrefix}-{Interlocked.Increment(ref _nextActionId)}";
        var pending = new PendingAction();
        connection.Pending[actionId] = pending;
        try
        {
            // Close() sets IsClosed before failing the pending actions, so one of the two always sees this one.
            if (connection.IsClosed)
            {
                throw new AmiUnavailableException($"AMI connection lost: {connection.CloseReason}");
            }

            using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                await connection.WriteAsync(action.Serialize(actionId), linked.Token);
                return await pending.Task.WaitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new AmiUnavailableException($"No AMI reply to {action.Name} within {_options.RequestTimeout}.");
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
                connection.Close(Describe(ex, "write failed"));
                throw new AmiUnavailableException($"AMI connection lost while sending {action.Name}.", ex);
            }
        }
        finally
        {
            connection.Pending.TryRemove(actionId, out _);
        }
    }

    private void SetCurrent(Connection connection)
    {
        lock (_stateGate)
        {
            Volatile.Write(ref _current, connection);
            _connected.TrySetResult();
        }
    }

    private void ClearCurrent(Connection connection)
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

    private static string Describe(Exception ex, string fallback) =>
        ex switch
        {
            SocketException socket => socket.SocketErrorCode.ToString(),
            OperationCanceledException => "timed out",
            _ => string.IsNullOrEmpty(ex.Message) ? fallback : ex.Message,
        };

    private enum ConnectionOutcome
    {
        Stopped,
        ConnectFailed,
        LoginRefused,
        Dropped,
    }

    /// <summary>One TCP session: its reader, a write lock (one message at a time on the wire) and the actions in flight.</summary>
    private sealed class Connection(NetworkStream stream, PipeReader reader)
    {
        private readonly SemaphoreSlim _writeLock = new(1, 1);
        private int _closed;

        public PipeReader Reader { get; } = reader;

        public ConcurrentDictionary<string, PendingAction> Pending { get; } = new(StringComparer.Ordinal);

        public bool IsClosed => Volatile.Read(ref _closed) != 0;

        public string? CloseReason { get; private set; }

        public async Task WriteAsync(byte[] message, CancellationToken cancellationToken)
        {
            await _writeLock.WaitAsync(cancellationToken);
            try
            {
                // Not cancelled mid-message: a half-written action would corrupt the session. A stuck write is ended
                // by the keep-alive closing the socket.
                await stream.WriteAsync(message, CancellationToken.None);
            }
            finally
            {
                _writeLock.Release();
            }
        }

        /// <summary>Closes the socket (which ends the read loop) and fails every action in flight. Idempotent.</summary>
        public void Close(string reason)
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0)
            {
                return;
            }

            CloseReason = reason;
            stream.Socket.Close();
            foreach (var pending in Pending.Values)
            {
                pending.Fail(new AmiUnavailableException($"AMI connection lost: {reason}"));
            }
        }
    }

    /// <summary>An action waiting for its reply; a list reply then collects events until <c>EventList: Complete</c>.</summary>
    private sealed class PendingAction
    {
        private readonly TaskCompletionSource<AmiResponse> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<AmiMessage> _events = [];
        private AmiMessage? _response;

        public Task<AmiResponse> Task => _reply.Task;

        /// <summary>Only the read loop touches the list state, so no lock is needed.</summary>
        public bool IsCollectingEvents => _response is not null;

        public void OnResponse(AmiMessage response)
        {
            var isList = string.Equals(response["EventList"], "start", StringComparison.OrdinalIgnoreCase)
                && !string.Equals(response.Response, "Error", StringComparison.OrdinalIgnoreCase);
            if (isList)
            {
                _response = response;
            }
            else
            {
                _reply.TrySetResult(new AmiResponse(response, [], null));
            }
        }

        public void OnEvent(AmiMessage message)
        {
            if (string.Equals(message["EventList"], "Complete", StringComparison.OrdinalIgnoreCase))
            {
                _reply.TrySetResult(new AmiResponse(_response!, [.. _events], message));
            }
            else
            {
                _events.Add(message);
            }
        }

        public void Fail(Exception exception) => _reply.TrySetException(exception);
    }
}
