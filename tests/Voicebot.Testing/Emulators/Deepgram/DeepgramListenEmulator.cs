using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Voicebot.Testing.Emulators.Deepgram;

/// <summary>
/// A loopback Deepgram live speech-to-text server (<c>/v1/listen</c> WebSocket) on 127.0.0.1 with a free port.
/// It checks <c>Authorization: Token &lt;key&gt;</c>, records each handshake, and detects speech bursts in the linear16
/// audio by energy (a burst is ≥ 150 ms above −35 dBFS, ended by the request's <c>endpointing</c> ms below, 300 when absent). For the Nth burst (counted across
/// all sessions) it plays the Nth <see cref="Script"/> line: <c>SpeechStarted</c> at burst start, interim <c>Results</c>
/// every <see cref="InterimEvery"/> of speech, a final <c>Results</c> (<c>is_final</c>, <c>speech_final</c>)
/// <see cref="SttFinalLatency"/> after the burst ends, then <c>UtteranceEnd</c> once <c>utterance_end_ms</c> of silence
/// has been received. It honours <c>Finalize</c>, <c>KeepAlive</c> and <c>CloseStream</c>, closes idle sessions with
/// 1011 <c>NET-0001</c> after <see cref="IdleTimeout"/>, and injects failures on demand. Thread-safe.
/// </summary>
public sealed class DeepgramListenEmulator : IAsyncDisposable
{
    public const string DefaultApiKey = "dg-test-key-0123456789";

    private readonly Lock _gate = new();
    private readonly List<DeepgramListenRequest> _requests = [];
    private readonly List<string> _textMessages = [];
    private readonly List<int?> _clientCloseStatuses = [];
    private readonly HashSet<DeepgramListenConnection> _active = [];
    private WebApplication? _app;
    private int _refuseStatus;
    private int _refuseTimes;
    private int _hangTimes;
    private TimeSpan? _dropAfterDelay;
    private int? _dropAfterMessages;
    private int _handshakeAttempts;
    private int _sessions;
    private int _keepAlives;
    private int _finalizes;
    private int _closeStreams;
    private int _idleClosures;
    private int _bursts;
    private long _audioBytes;

    /// <summary>The key expected in <c>Authorization: Token &lt;key&gt;</c>. Default <see cref="DefaultApiKey"/>.</summary>
    public string ApiKey { get; init; } = DefaultApiKey;

    /// <summary>Line N is the transcript of the Nth speech burst; bursts beyond the script get an empty transcript.</summary>
    public IReadOnlyList<string> Script { get; init; } = [];

    /// <summary>
    /// When true, each session plays the script from its first line (one script per caller, for concurrent calls);
    /// when false (default), bursts are counted across sessions, so a reconnected session carries on the script.
    /// </summary>
    public bool ScriptPerSession { get; init; }

    /// <summary>Send <c>SpeechStarted</c> when a burst starts. Default true.</summary>
    public bool SendSpeechStarted { get; set; } = true;

    /// <summary>Send interim results while a burst lasts. Default true.</summary>
    public bool SendInterimResults { get; set; } = true;

    /// <summary>Wall-clock delay between a burst's end (in the audio) and its final result. Default 250 ms.</summary>
    public TimeSpan SttFinalLatency { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Audio time between interim results during a burst. Default 300 ms.</summary>
    public TimeSpan InterimEvery { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Wall-clock time without audio or KeepAlive after which a session is closed with 1011 NET-0001. Default 10 s.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>ws://127.0.0.1:port</c>, for <c>Deepgram:BaseUrl</c>.</summary>
    public Uri BaseUrl { get; private set; } = new("ws://127.0.0.1:0");

    /// <summary>Every request to <c>/v1/listen</c>, refused or not.</summary>
    public int HandshakeAttempts => Volatile.Read(ref _handshakeAttempts);

    /// <summary>WebSocket sessions accepted.</summary>
    public int Sessions => Volatile.Read(ref _sessions);

    public int ActiveSessions
    {
        get
        {
            lock (_gate)
            {
                return _active.Count;
            }
        }
    }

    public int KeepAlivesReceived => Volatile.Read(ref _keepAlives);

    public int FinalizesReceived => Volatile.Read(ref _finalizes);

    public int CloseStreamsReceived => Volatile.Read(ref _closeStreams);

    /// <summary>Sessions closed by the NET-0001 idle rule.</summary>
    public int IdleClosures => Volatile.Read(ref _idleClosures);

    /// <summary>Speech bursts detected, across sessions.</summary>
    public int BurstsDetected => Volatile.Read(ref _bursts);

    public long AudioBytesReceived => Interlocked.Read(ref _audioBytes);

    public IReadOnlyList<DeepgramListenRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Every text message received, across sessions, in arrival order.</summary>
    public IReadOnlyList<string> TextMessages
    {
        get
        {
            lock (_gate)
            {
                return [.. _textMessages];
            }
        }
    }

    /// <summary>The close status each client sent when it closed its session (null: it never sent one).</summary>
    public IReadOnlyList<int?> ClientCloseStatuses
    {
        get
        {
            lock (_gate)
            {
                return [.. _clientCloseStatuses];
            }
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.UseWebSockets();
        app.Map("/v1/listen", HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseUrl = new Uri("ws://127.0.0.1:" + new Uri(address).Port);
        _app = app;
    }

    /// <summary>The next <paramref name="times"/> handshakes are answered with <paramref name="statusCode"/> instead of an upgrade.</summary>
    public void RefuseHandshake(int statusCode, int times = int.MaxValue)
    {
        lock (_gate)
        {
            _refuseStatus = statusCode;
            _refuseTimes = times;
        }
    }

    /// <summary>The next <paramref name="times"/> handshakes are never answered.</summary>
    public void HangOnConnect(int times = int.MaxValue)
    {
        lock (_gate)
        {
            _hangTimes = times;
        }
    }

    /// <summary>The next accepted session has its TCP connection aborted <paramref name="delay"/> after the upgrade.</summary>
    public void DropAfter(TimeSpan delay)
    {
        lock (_gate)
        {
            _dropAfterDelay = delay;
        }
    }

    /// <summary>The next accepted session has its TCP connection aborted right after it sent <paramref name="messages"/> messages.</summary>
    public void DropAfter(int messages)
    {
        lock (_gate)
        {
            _dropAfterMessages = messages;
        }
    }

    /// <summary>Aborts the TCP connection of every active session now.</summary>
    public void DropActiveSessions()
    {
        foreach (var connection in Snapshot())
        {
            connection.Abort();
        }
    }

    /// <summary>Closes every active session now with a WebSocket close frame.</summary>
    public void CloseWithCode(int code, string reason)
    {
        foreach (var connection in Snapshot())
        {
            connection.Close(code, reason);
        }
    }

    /// <summary>Cancels every pending fault.</summary>
    public void ClearFaults()
    {
        lock (_gate)
        {
            _refuseTimes = 0;
            _hangTimes = 0;
            _dropAfterDelay = null;
            _dropAfterMessages = null;
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds (test helper; the test's own timeout bounds it).</summary>
    public async Task WaitUntilAsync(Func<DeepgramListenEmulator, bool> condition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        while (!condition(this))
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        DropActiveSessions();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    internal int NextBurst() => Interlocked.Increment(ref _bursts);

    internal void OnAudio(int bytes) => Interlocked.Add(ref _audioBytes, bytes);

    internal void OnKeepAlive() => Interlocked.Increment(ref _keepAlives);

    internal void OnFinalize() => Interlocked.Increment(ref _finalizes);

    internal void OnCloseStream() => Interlocked.Increment(ref _closeStreams);

    internal void OnIdleClosure() => Interlocked.Increment(ref _idleClosures);

    internal void OnTextMessage(string message)
    {
        lock (_gate)
        {
            _textMessages.Add(message);
        }
    }

    private DeepgramListenConnection[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _active];
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _handshakeAttempts);
        var query = context.Request.Query.ToDictionary(pair => pair.Key, pair => pair.Value.ToString(), StringComparer.Ordinal);
        var authorization = context.Request.Headers.Authorization.ToString();
        int refuse;
        bool hang;
        TimeSpan? dropAfterDelay;
        int? dropAfterMessages;
        lock (_gate)
        {
            _requests.Add(new DeepgramListenRequest(context.Request.Path, query, authorization.Length == 0 ? null : authorization));
            refuse = _refuseTimes > 0 ? _refuseStatus : 0;
            _refuseTimes -= _refuseTimes > 0 ? 1 : 0;
            hang = refuse == 0 && _hangTimes > 0;
            _hangTimes -= hang ? 1 : 0;
            dropAfterDelay = null;
            dropAfterMessages = null;
        }

        if (refuse != 0)
        {
            await WriteErrorAsync(context, refuse, "EMULATED_FAILURE", "Refused by the emulator.");
            return;
        }

        if (hang)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }

            return;
        }

        if (authorization != "Token " + ApiKey)
        {
            await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "INVALID_AUTH", "Invalid credentials.");
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest
            || !query.TryGetValue("encoding", out var encoding) || encoding != "linear16"
            || !query.TryGetValue("sample_rate", out var rateText) || !int.TryParse(rateText, out var sampleRate) || sampleRate < 100)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Bad Request", "Expected a WebSocket upgrade with encoding=linear16 and sample_rate.");
            return;
        }

        var utteranceEndMs = query.TryGetValue("utterance_end_ms", out var utteranceText) && int.TryParse(utteranceText, out var parsed) ? parsed : 0;
        int? endpointingMs = query.TryGetValue("endpointing", out var endpointingText) && int.TryParse(endpointingText, out var endpointing) ? endpointing : null;
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        lock (_gate)
        {
            dropAfterDelay = _dropAfterDelay;
            dropAfterMessages = _dropAfterMessages;
            _dropAfterDelay = null;
            _dropAfterMessages = null;
        }

        Interlocked.Increment(ref _sessions);
        var connection = new DeepgramListenConnection(this, context, socket, sampleRate, utteranceEndMs, dropAfterMessages, endpointingMs);
        lock (_gate)
        {
            _active.Add(connection);
        }

        try
        {
            if (dropAfterDelay is { } delay)
            {
                connection.AbortAfter(delay);
            }

            var closeStatus = await connection.RunAsync();
            lock (_gate)
            {
                _clientCloseStatuses.Add(closeStatus);
            }
        }
        finally
        {
            lock (_gate)
            {
                _active.Remove(connection);
            }
        }
    }

    private static async Task WriteErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(
            $$"""{"err_code":"{{code}}","err_msg":"{{message}}","request_id":"{{Guid.NewGuid()}}"}""",
            context.RequestAborted);
    }
}
