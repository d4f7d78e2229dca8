using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Voicebot.Testing.Emulators.Ami;

/// <summary>
/// A loopback Asterisk Manager Interface on 127.0.0.1 with a free port. Speaks the wire format of manager.c: the banner
/// line, <c>Key: Value\r\n</c> lines, an empty line per message, <c>ActionID</c> echoed. Handles <c>Login</c> (closes
/// the session after a refused one, as Asterisk does), <c>Logoff</c>, <c>Ping</c>, <c>QueueSummary</c> (list reply),
/// <c>Status</c> with <c>Variables</c> (list reply), <c>Getvar</c>/<c>Setvar</c> (channel or global), <c>Redirect</c>
/// (recorded; can be told to fail); anything else gets "Invalid/unknown command". Each action is answered on its own
/// task, so replies can come back out of order (<see cref="ActionGates"/>). Fault injection: drop every connection,
/// refuse the next logins, leave actions unanswered. Unsolicited events go to sessions that logged in with an
/// <c>Events</c> mask other than <c>off</c>. Thread-safe.
/// </summary>
public sealed class AmiEmulator : IAsyncDisposable
{
    public const string DefaultUsername = "voicebot";
    public const string DefaultSecret = "ami-emulator-secret";

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<AmiEmulatorSession, byte> _sessions = new();
    private readonly ConcurrentDictionary<string, QueueState> _queues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, EmulatedChannel> _channels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _globals = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<AmiEmulatorRedirect> _redirects = new();
    private readonly ConcurrentQueue<string> _actions = new();
    private readonly ConcurrentQueue<string> _replyOrder = new();
    private readonly Task _acceptLoop;
    private int _refuseLogins;
    private int _successfulLogins;
    private int _failedLogins;
    private int _connections;

    private AmiEmulator()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>The port listening on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The first line a client reads. Default <c>Asterisk Call Manager/13.0.0</c> (manager.h <c>AMI_VERSION</c>).</summary>
    public string Banner { get; init; } = "Asterisk Call Manager/13.0.0";

    public string Username { get; init; } = DefaultUsername;

    /// <summary>The accepted secret; may be changed while running (an operator fixing manager.conf).</summary>
    public string Secret { get; set; } = DefaultSecret;

    /// <summary>Actions held until the task completes, by action name (case-insensitive): replies out of order, by event.</summary>
    public ConcurrentDictionary<string, Task> ActionGates { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Actions (by name, case-insensitive) received but never answered.</summary>
    public ConcurrentDictionary<string, byte> UnansweredActions { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>When true, <c>Redirect</c> of an existing channel answers <c>Response: Error</c>.</summary>
    public bool FailRedirects { get; set; }

    public int SuccessfulLogins => Volatile.Read(ref _successfulLogins);

    public int FailedLogins => Volatile.Read(ref _failedLogins);

    /// <summary>TCP connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Sessions currently open.</summary>
    public int OpenSessions => _sessions.Count;

    /// <summary>The <c>Events</c> header of the last successful login, or <see langword="null"/>.</summary>
    public string? LastLoginEvents { get; private set; }

    /// <summary>Every action received after login, in order (names), <c>Login</c> included.</summary>
    public IReadOnlyList<string> Actions => [.. _actions];

    /// <summary>Names of actions in the order their replies were written.</summary>
    public IReadOnlyList<string> ReplyOrder => [.. _replyOrder];

    public IReadOnlyList<AmiEmulatorRedirect> Redirects => [.. _redirects];

    /// <summary>How many actions named <paramref name="action"/> were received.</summary>
    public int CountActions(string action) => _actions.Count(a => string.Equals(a, action, StringComparison.OrdinalIgnoreCase));

    public static Task<AmiEmulator> StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new AmiEmulator());
    }

    /// <summary>Creates or updates a queue as <c>QueueSummary</c> reports it.</summary>
    public void SetQueue(string name, int available, int loggedIn = -1, int callers = 0) =>
        _queues[name] = new QueueState(loggedIn < 0 ? available : loggedIn, available, callers);

    public void RemoveQueue(string name) => _queues.TryRemove(name, out _);

    /// <summary>Adds a channel that <c>Status</c> lists, with its variables and current application.</summary>
    public void AddChannel(string name, IReadOnlyDictionary<string, string>? variables = null, string application = "AudioSocket")
    {
        var channel = new EmulatedChannel(name, application);
        foreach (var (key, value) in variables ?? new Dictionary<string, string>())
        {
            channel.Variables[key] = value;
        }

        _channels[name] = channel;
    }

    public void RemoveChannel(string name) => _channels.TryRemove(name, out _);

    /// <summary>
    /// A channel variable as stored (names set with the <c>__</c> inheritance prefix are found with or without it, as
    /// in Asterisk), or <see langword="null"/>.
    /// </summary>
    public string? GetChannelVariable(string channel, string variable) =>
        _channels.TryGetValue(channel, out var state) ? state.Get(variable) : null;

    /// <summary>The names of the variables set on <paramref name="channel"/>, as given (inheritance prefix kept).</summary>
    public IReadOnlyCollection<string> GetChannelVariableNames(string channel) =>
        _channels.TryGetValue(channel, out var state) ? [.. state.Variables.Keys] : [];

    public void SetGlobalVariable(string name, string value) => _globals[name] = value;

    /// <summary>The next <paramref name="count"/> logins are refused whatever the credentials.</summary>
    public void RefuseNextLogins(int count = 1) => Interlocked.Exchange(ref _refuseLogins, count);

    /// <summary>Closes every client connection at once (an Asterisk restart, a network cut).</summary>
    public void DropAllConnections()
    {
        foreach (var session in _sessions.Keys)
        {
            session.Close();
        }
    }

    /// <summary>Sends an unsolicited event to every logged-in session whose <c>Events</c> mask is not <c>off</c>.</summary>
    public async Task EmitEventAsync(string eventName, IEnumerable<KeyValuePair<string, string>> fields, CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder().Append("Event: ").Append(eventName).Append("\r\n").Append("Privilege: call,all\r\n");
        foreach (var (key, value) in fields)
        {
            text.Append(key).Append(": ").Append(value).Append("\r\n");
        }

        text.Append("\r\n");
        foreach (var session in _sessions.Keys)
        {
            if (session.ReceivesEvents)
            {
                await session.WriteAsync(text.ToString(), cancellationToken);
            }
        }
    }

    /// <summary>Waits (polling) until <paramref name="condition"/> holds.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken) =>
        Waits.UntilAsync(condition, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        DropAllConnections();
        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            var session = new AmiEmulatorSession(client);
            _sessions[session] = 0;
            _ = RunSessionAsync(session);
        }
    }

    private async Task RunSessionAsync(AmiEmulatorSession session)
    {
        try
        {
            await session.WriteAsync(Banner + "\r\n", _stopping.Token);
            while (await session.ReadMessageAsync(_stopping.Token) is { } action)
            {
                var name = Get(action, "Action") ?? "";
                _actions.Enqueue(name);
                if (string.Equals(name, "Login", StringComparison.OrdinalIgnoreCase))
                {
                    // Handled in order: nothing else may run before the session is authenticated.
                    if (!await LoginAsync(session, action))
                    {
                        return;
                    }

                    continue;
                }

                _ = AnswerAsync(session, name, action);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            _sessions.TryRemove(session, out _);
            session.Close();
        }
    }

    private async Task<bool> LoginAsync(AmiEmulatorSession session, List<KeyValuePair<string, string>> action)
    {
        var refused = Interlocked.Decrement(ref _refuseLogins) >= 0;
        if (!refused)
        {
            Interlocked.Exchange(ref _refuseLogins, 0);
        }

        var accepted = !refused
            && string.Equals(Get(action, "Username"), Username, StringComparison.Ordinal)
            && string.Equals(Get(action, "Secret"), Secret, StringComparison.Ordinal);
        if (!accepted)
        {
            Interlocked.Increment(ref _failedLogins);
            await ReplyAsync(session, "Login", action, "Response: Error\r\nMessage: Authentication failed\r\n");
            return false;   // manager.c ends the session after a failed authentication
        }

        var events = Get(action, "Events") ?? "on";
        session.Authenticate(!string.Equals(events, "off", StringComparison.OrdinalIgnoreCase));
        LastLoginEvents = events;
        Interlocked.Increment(ref _successfulLogins);
        await ReplyAsync(session, "Login", action, "Response: Success\r\nMessage: Authentication accepted\r\n");
        return true;
    }

    private async Task AnswerAsync(AmiEmulatorSession session, string name, List<KeyValuePair<string, string>> action)
    {
        try
        {
            if (UnansweredActions.ContainsKey(name))
            {
                return;
            }

            if (ActionGates.TryGetValue(name, out var gate))
            {
                await gate.WaitAsync(_stopping.Token);
            }

            if (!session.IsAuthenticated)
            {
                await ReplyAsync(session, name, action, "Response: Error\r\nMessage: Authentication Required\r\n");
                return;
            }

            switch (name.ToUpperInvariant())
            {
                case "PING":
                    await ReplyAsync(session, name, action, "Response: Success\r\nPing: Pong\r\nTimestamp: 1764000000.000000\r\n");
                    break;
                case "LOGOFF":
                    await ReplyAsync(session, name, action, "Response: Goodbye\r\nMessage: Thanks for all the fish.\r\n");
                    session.Close();
                    break;
                case "QUEUESUMMARY":
                    await QueueSummaryAsync(session, action);
                    break;
                case "STATUS":
                    await StatusAsync(session, action);
                    break;
                case "GETVAR":
                    await GetvarAsync(session, action);
                    break;
                case "SETVAR":
                    await SetvarAsync(session, action);
                    break;
                case "REDIRECT":
                    await RedirectAsync(session, action);
                    break;
                default:
                    await ReplyAsync(session, name, action,
                        $"Response: Error\r\nMessage: Invalid/unknown command: {name}. Use Action: ListCommands to show available commands.\r\n");
                    break;
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    private async Task QueueSummaryAsync(AmiEmulatorSession session, List<KeyValuePair<string, string>> action)
    {
        var filter = Get(action, "Queue");
        var actionId = Get(action, "ActionID");
        var text = new StringBuilder(Head("Response: Success\r\n", actionId)).Append("EventList: start\r\nMessage: Queue summary will follow\r\n\r\n");
        var items = 0;
        foreach (var (queue, state) in _queues.OrderBy(q => q.Key, StringComparer.Ordinal))
        {
            if (!string.IsNullOrEmpty(filter) && !string.Equals(filter, queue, StringComparison.Ordinal))
            {
                continue;
            }

            items++;
            text.Append("Event: QueueSummary\r\n")
                .Append(CultureInfo.InvariantCulture, $"Queue: {queue}\r\nLoggedIn: {state.LoggedIn}\r\nAvailable: {state.Available}\r\n")
                .Append(CultureInfo.InvariantCulture, $"Callers: {state.Callers}\r\nHoldTime: 0\r\nTalkTime: 0\r\nLongestHoldTime: 0\r\n");
            AppendActionId(text, actionId).Append("\r\n");
        }

        text.Append("Event: QueueSummaryComplete\r\n");
        AppendActionId(text, actionId).Append(CultureInfo.InvariantCulture, $"EventList: Complete\r\nListItems: {items}\r\n\r\n");
        await WriteReplyAsync(session, "QueueSummary", text.ToString());
    }

    private async Task StatusAsync(AmiEmulatorSession session, List<KeyValuePair<string, string>> action)
    {
        var only = Get(action, "Channel");
        var wanted = (Get(action, "Variables") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var actionId = Get(action, "ActionID");
        if (!string.IsNullOrEmpty(only) && !_channels.ContainsKey(only))
        {
            await ReplyAsync(session, "Status", action, "Response: Error\r\nMessage: No such channel\r\n");
            return;
        }

        var text = new StringBuilder(Head("Response: Success\r\n", actionId)).Append("EventList: start\r\nMessage: Channel status will follow\r\n\r\n");
        var items = 0;
        foreach (var channel in _channels.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            if (!string.IsNullOrEmpty(only) && !string.Equals(only, channel.Name, StringComparison.Ordinal))
            {
                continue;
            }

            items++;
            text.Append("Event: Status\r\nPrivilege: Call\r\n")
                .Append(CultureInfo.InvariantCulture, $"Channel: {channel.Name}\r\nChannelState: 6\r\nChannelStateDesc: Up\r\n")
                .Append(CultureInfo.InvariantCulture, $"CallerIDNum: 0612345678\r\nContext: {channel.Context}\r\nExten: {channel.Exten}\r\nPriority: {channel.Priority}\r\n")
                .Append(CultureInfo.InvariantCulture, $"Uniqueid: 1764000000.{items}\r\nApplication: {channel.Application}\r\nData: \r\n");
            foreach (var variable in wanted)
            {
                text.Append(CultureInfo.InvariantCulture, $"Variable: {variable}={channel.Get(variable)}\r\n");
            }

            AppendActionId(text, actionId).Append("\r\n");
        }

        text.Append("Event: StatusComplete\r\n");
        AppendActionId(text, actionId).Append(CultureInfo.InvariantCulture, $"EventList: Complete\r\nListItems: {items}\r\nItems: {items}\r\n\r\n");
        await WriteReplyAsync(session, "Status", text.ToString());
    }

    private async Task GetvarAsync(AmiEmulatorSession session, List<KeyValuePair<string, string>> action)
    {
        var variable = Get(action, "Variable") ?? "";
        var channelName = Get(action, "Channel");
        string? value;
        if (string.IsNullOrEmpty(channelName))
        {
            value = _globals.GetValueOrDefault(variable);
        }
        else if (_channels.TryGetValue(channelName, out var channel))
        {
            value = channel.Get(variable);
        }
        else
        {
            await ReplyAsync(session, "Getvar", action, "Response: Error\r\nMessage: No such channel\r\n");
            return;
        }

        await ReplyAsync(session, "Getvar", action, $"Response: Success\r\nVariable: {variable}\r\nValue: {value}\r\n");
    }

    private async Task SetvarAsync(AmiEmulatorSession session, List<KeyValuePair<string, string>> action)
    {
        var variable = Get(action, "Variable") ?? "";
        var value = Get(action, "Value") ?? "";
        var channelName = Get(action, "Channel");
        if (string.IsNullOrEmpty(channelName))
        {
            _globals[variable] = value;
        }
        else if (_channels.TryGetValue(channelName, out var channel))
        {
            channel.Variables[variable] = value;
        }
        else
        {
            await ReplyAsync(session, "Setvar", action, "Response: Error\r\nMessage: No such channel\r\n");
            return;
        }

        await ReplyAsync(session, "Setvar", action, "Response: Success\r\nMessage: Variable Set\r\n");
    }

    private async Task RedirectAsync(AmiEmulatorSession session, List<KeyValuePair<string, string>> action)
    {
        var channelName = Get(action, "Channel") ?? "";
        var redirect = new AmiEmulatorRedirect(channelName, Get(action, "Context") ?? "", Get(action, "Exten") ?? "", Get(action, "Priority") ?? "");
        if (!_channels.TryGetValue(channelName, out var channel))
        {
            await ReplyAsync(session, "Redirect", action, $"Response: Error\r\nMessage: Channel does not exist: {channelName}\r\n");
            return;
        }

        if (FailRedirects)
        {
            await ReplyAsync(session, "Redirect", action, "Response: Error\r\nMessage: Redirect failed, channel not up.\r\n");
            return;
        }

        _redirects.Enqueue(redirect);
        channel.Application = "Queue";
        channel.Context = redirect.Context;
        channel.Exten = redirect.Exten;
        channel.Priority = redirect.Priority;
        await ReplyAsync(session, "Redirect", action, "Response: Success\r\nMessage: Redirect successful\r\n");
    }

    private Task ReplyAsync(AmiEmulatorSession session, string name, List<KeyValuePair<string, string>> action, string body)
    {
        // manager.c: Response first, then ActionID, then the rest.
        var newline = body.IndexOf("\r\n", StringComparison.Ordinal) + 2;
        var text = new StringBuilder(Head(body[..newline], Get(action, "ActionID"))).Append(body[newline..]).Append("\r\n");
        return WriteReplyAsync(session, name, text.ToString());
    }

    private async Task WriteReplyAsync(AmiEmulatorSession session, string name, string text)
    {
        await session.WriteAsync(text, _stopping.Token);
        _replyOrder.Enqueue(name);
    }

    private static string Head(string responseLine, string? actionId) =>
        actionId is null ? responseLine : $"{responseLine}ActionID: {actionId}\r\n";

    private static StringBuilder AppendActionId(StringBuilder text, string? actionId) =>
        actionId is null ? text : text.Append("ActionID: ").Append(actionId).Append("\r\n");

    private static string? Get(List<KeyValuePair<string, string>> message, string key) =>
        message.FirstOrDefault(f => string.Equals(f.Key, key, StringComparison.OrdinalIgnoreCase)).Value;

    private sealed record QueueState(int LoggedIn, int Available, int Callers);

    private sealed class EmulatedChannel(string name, string application)
    {
        public string Name { get; } = name;

        public string Application { get; set; } = application;

        public string Context { get; set; } = "voicebot-sav";

        public string Exten { get; set; } = "777";

        public string Priority { get; set; } = "4";

        public ConcurrentDictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

        // Asterisk looks variables up without their inheritance underscores (ast_var_name).
        public string? Get(string name)
        {
            foreach (var (key, value) in Variables)
            {
                if (string.Equals(key.TrimStart('_'), name.TrimStart('_'), StringComparison.Ordinal))
                {
                    return value;
                }
            }

            return null;
        }
    }
}
