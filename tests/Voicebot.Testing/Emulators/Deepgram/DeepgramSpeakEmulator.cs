using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Voicebot.Testing.Fakes;

namespace Voicebot.Testing.Emulators.Deepgram;

/// <summary>
/// A loopback Deepgram Aura server (<c>POST /v1/speak</c>) on 127.0.0.1 with a free port. It checks the key and the
/// query (<c>encoding=linear16&amp;sample_rate=8000&amp;container=none</c>), then streams a deterministic tone per text
/// (<see cref="AudioFor"/>) as chunked raw PCM, after <see cref="FirstByteLatency"/>, <see cref="ChunkBytes"/> at a time
/// every <see cref="ChunkInterval"/>. Failures on demand: an error status, a hang, a drop mid-stream. Thread-safe.
/// </summary>
public sealed class DeepgramSpeakEmulator : IAsyncDisposable
{
    public const string DefaultApiKey = DeepgramListenEmulator.DefaultApiKey;

    private readonly Lock _gate = new();
    private readonly List<DeepgramSpeakRequest> _requests = [];
    private WebApplication? _app;
    private int _failStatus;
    private int _failTimes;
    private bool _hangBeforeHeaders;
    private bool _hangAfterHeaders;
    private int? _dropAfterBytes;
    private int _completed;

    public string ApiKey { get; init; } = DefaultApiKey;

    /// <summary>Delay before the response headers and first audio. Default 200 ms.</summary>
    public TimeSpan FirstByteLatency { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Bytes per chunk written (odd sizes exercise the client's sample alignment). Default 1600 (100 ms).</summary>
    public int ChunkBytes { get; set; } = 1600;

    /// <summary>Pause between chunks; <see cref="TimeSpan.Zero"/> sends as fast as possible. Default 50 ms (twice real time).</summary>
    public TimeSpan ChunkInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary><c>http://127.0.0.1:port</c>, for <c>Deepgram:SpeakBaseUrl</c>.</summary>
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1:0");

    /// <summary>Responses whose whole body was written.</summary>
    public int CompletedResponses => Volatile.Read(ref _completed);

    public IReadOnlyList<DeepgramSpeakRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The audio served for <paramref name="text"/>: <see cref="ToneSpeechSynthesizer.Render"/> at 8000 Hz.</summary>
    public static byte[] AudioFor(string text) => ToneSpeechSynthesizer.Render(text, 8000);

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/v1/speak", HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseUrl = new Uri("http://127.0.0.1:" + new Uri(address).Port);
        _app = app;
    }

    /// <summary>The next <paramref name="times"/> requests get <paramref name="statusCode"/> with a Deepgram error body.</summary>
    public void FailWith(int statusCode, int times = int.MaxValue)
    {
        lock (_gate)
        {
            _failStatus = statusCode;
            _failTimes = times;
        }
    }

    /// <summary>Requests are never answered (<paramref name="afterHeaders"/>: headers are sent, the body never comes).</summary>
    public void Hang(bool afterHeaders = false)
    {
        lock (_gate)
        {
            _hangBeforeHeaders = !afterHeaders;
            _hangAfterHeaders = afterHeaders;
        }
    }

    /// <summary>The next response's connection is aborted after <paramref name="bytes"/> bytes of audio.</summary>
    public void DropAfterBytes(int bytes)
    {
        lock (_gate)
        {
            _dropAfterBytes = bytes;
        }
    }

    public void ClearFaults()
    {
        lock (_gate)
        {
            _failTimes = 0;
            _hangBeforeHeaders = false;
            _hangAfterHeaders = false;
            _dropAfterBytes = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        var query = context.Request.Query.ToDictionary(pair => pair.Key, pair => pair.Value.ToString(), StringComparer.Ordinal);
        var authorization = context.Request.Headers.Authorization.ToString();
        string? text = null;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: aborted);
            text = body.RootElement.TryGetProperty("text", out var value) ? value.GetString() : null;
        }
        catch (JsonException)
        {
        }

        int fail;
        bool hangBefore, hangAfter;
        int? dropAfter;
        lock (_gate)
        {
            _requests.Add(new DeepgramSpeakRequest(query, authorization.Length == 0 ? null : authorization, text));
            fail = _failTimes > 0 ? _failStatus : 0;
            _failTimes -= _failTimes > 0 ? 1 : 0;
            (hangBefore, hangAfter) = (_hangBeforeHeaders, _hangAfterHeaders);
            dropAfter = fail == 0 ? _dropAfterBytes : null;
            _dropAfterBytes = fail == 0 ? null : _dropAfterBytes;
        }

        if (fail != 0)
        {
            await WriteErrorAsync(context, fail, fail == 429 ? "TOO_MANY_REQUESTS" : "INTERNAL_ERROR", fail == 429 ? "Too many requests." : "Emulated failure.");
            return;
        }

        if (authorization != "Token " + ApiKey)
        {
            await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "INVALID_AUTH", "Invalid credentials.");
            return;
        }

        if (text is null || query.GetValueOrDefault("encoding") != "linear16" || query.GetValueOrDefault("sample_rate") != "8000"
            || query.GetValueOrDefault("container") != "none" || !query.ContainsKey("model"))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Bad Request", "Expected text, model, encoding=linear16, sample_rate=8000, container=none.");
            return;
        }

        try
        {
            if (hangBefore)
            {
                await Task.Delay(Timeout.Infinite, aborted);
            }

            await Task.Delay(FirstByteLatency, aborted);
            context.Response.ContentType = "application/octet-stream";
            await context.Response.StartAsync(aborted);
            if (hangAfter)
            {
                await context.Response.Body.FlushAsync(aborted);
                await Task.Delay(Timeout.Infinite, aborted);
            }

            var audio = AudioFor(text);
            var chunk = Math.Max(1, ChunkBytes);
            for (var offset = 0; offset < audio.Length; offset += chunk)
            {
                var length = Math.Min(chunk, audio.Length - offset);
                if (dropAfter is { } limit && offset + length > limit)
                {
                    await context.Response.Body.WriteAsync(audio.AsMemory(offset, Math.Max(0, limit - offset)), aborted);
                    await context.Response.Body.FlushAsync(aborted);
                    context.Abort();
                    return;
                }

                await context.Response.Body.WriteAsync(audio.AsMemory(offset, length), aborted);
                await context.Response.Body.FlushAsync(aborted);
                if (ChunkInterval > TimeSpan.Zero && offset + length < audio.Length)
                {
                    await Task.Delay(ChunkInterval, aborted);
                }
            }

            await context.Response.CompleteAsync();
            Interlocked.Increment(ref _completed);
        }
        catch (OperationCanceledException)
        {
            // The client went away.
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
