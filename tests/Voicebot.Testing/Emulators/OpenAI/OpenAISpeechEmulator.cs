using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Voicebot.Testing.Fakes;

namespace Voicebot.Testing.Emulators.OpenAI;

/// <summary>
/// A loopback OpenAI speech server (Kestrel, 127.0.0.1, free port): <c>POST /v1/audio/speech</c> answers raw PCM
/// (24 kHz, 16-bit little-endian mono, a deterministic tone per input) with chunked transfer encoding, after
/// <see cref="FirstByteLatency"/>, one <see cref="ChunkBytes"/> chunk per <see cref="ChunkInterval"/>. It can hold
/// the rest of the body after <see cref="HoldAfterChunks"/> chunks until <see cref="ReleaseHeldAudio"/>, and inject
/// failures through <see cref="Reply"/>. Records every request. Thread-safe.
/// </summary>
public sealed class OpenAISpeechEmulator : IAsyncDisposable
{
    /// <summary>The rate of <c>response_format=pcm</c>.</summary>
    public const int SampleRate = 24000;

    private readonly ConcurrentQueue<SpeechRequest> _requests = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider _timeProvider;
    private Func<SpeechRequest, EmulatedSpeech> _reply = _ => EmulatedSpeech.Tone;
    private LoopbackHttpServer? _server;
    private int _chunksSent;
    private int _streamsCompleted;
    private int _streamsAborted;

    /// <param name="timeProvider">Clock of the latencies; <see cref="TimeProvider.System"/> by default.</param>
    public OpenAISpeechEmulator(TimeProvider? timeProvider = null) => _timeProvider = timeProvider ?? TimeProvider.System;

    /// <summary>Decides the answer to each well-formed request. Default: <see cref="EmulatedSpeech.Tone"/>.</summary>
    public Func<SpeechRequest, EmulatedSpeech> Reply
    {
        get => Volatile.Read(ref _reply);
        set => Volatile.Write(ref _reply, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>Delay before the response headers and first chunk. Default 200 ms.</summary>
    public TimeSpan FirstByteLatency { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Bytes per body chunk (may be odd, to test sample alignment). Default 4800 (100 ms).</summary>
    public int ChunkBytes { get; set; } = 4800;

    /// <summary>Pause between chunks: 100 ms is real time for the default chunk size. Default 10 ms (ten times faster).</summary>
    public TimeSpan ChunkInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>When set, after this many chunks the body waits for <see cref="ReleaseHeldAudio"/>. Default none.</summary>
    public int? HoldAfterChunks { get; set; }

    /// <summary><c>http://127.0.0.1:{port}/v1</c>. Valid after <see cref="StartAsync"/>.</summary>
    public string BaseUrl => $"{(_server ?? throw new InvalidOperationException("Call StartAsync first.")).Root.ToString().TrimEnd('/')}/v1";

    public IReadOnlyList<SpeechRequest> Requests => [.. _requests];

    /// <summary>Body chunks written so far, over all requests.</summary>
    public int ChunksSent => Volatile.Read(ref _chunksSent);

    /// <summary>Bodies sent to the end.</summary>
    public int StreamsCompleted => Volatile.Read(ref _streamsCompleted);

    /// <summary>Requests that ended early: dropped on purpose, or the client went away.</summary>
    public int StreamsAborted => Volatile.Read(ref _streamsAborted);

    /// <summary>Completes when a response reaches <see cref="HoldAfterChunks"/> and starts waiting.</summary>
    public Task Holding => _holding.Task;

    /// <summary>The audio for <paramref name="text"/>: <see cref="ToneSpeechSynthesizer.Render"/> at 24 kHz.</summary>
    public static byte[] RenderPcm(string text) => ToneSpeechSynthesizer.Render(text, SampleRate);

    /// <summary>Lets held responses send the rest of their body.</summary>
    public void ReleaseHeldAudio() => _released.TrySetResult();

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_server is not null)
        {
            throw new InvalidOperationException("Already started.");
        }

        _server = await LoopbackHttpServer.StartAsync(["/v1/audio/speech"], HandleAsync, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseHeldAudio();
        await _stopping.CancelAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        var cancellationToken = aborted.Token;
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: cancellationToken);
            body = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            await WriteErrorAsync(context, EmulatedSpeech.Error(400, "invalid_json", ex.Message), cancellationToken);
            return;
        }

        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new SpeechRequest(context.Request.Path.Value ?? string.Empty, body, headers);
        _requests.Enqueue(request);
        var reply = Validate(request) ?? Reply(request);
        try
        {
            if (reply.HangBeforeFirstByte)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, _timeProvider, cancellationToken);
            }

            await Task.Delay(FirstByteLatency, _timeProvider, cancellationToken);
            if (reply.Status != StatusCodes.Status200OK)
            {
                await WriteErrorAsync(context, reply, cancellationToken);
                return;
            }

            await StreamAsync(context, reply.Pcm ?? RenderPcm(request.Input!), reply, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _streamsAborted);
        }
    }

    // What the real API rejects with 400 (the emulator only renders pcm).
    private static EmulatedSpeech? Validate(SpeechRequest request)
    {
        if (string.IsNullOrEmpty(request.Model))
        {
            return EmulatedSpeech.Error(400, null, "you must provide a model parameter");
        }

        if (string.IsNullOrEmpty(request.Input))
        {
            return EmulatedSpeech.Error(400, null, "Missing required parameter: 'input'.");
        }

        if (request.Input.Length > 4096)
        {
            return EmulatedSpeech.Error(400, "string_above_max_length", "Invalid 'input': string too long. Expected a string with maximum length 4096.");
        }

        if (request.ResponseFormat != "pcm")
        {
            return EmulatedSpeech.Error(400, null, $"The emulator only renders response_format=pcm, not {request.ResponseFormat ?? "mp3 (default)"}.");
        }

        return request.Speed is < 0.25 or > 4.0
            ? EmulatedSpeech.Error(400, "decimal_above_max_value", "Invalid 'speed': expected a value between 0.25 and 4.0.")
            : null;
    }

    private async Task StreamAsync(HttpContext context, byte[] pcm, EmulatedSpeech reply, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "audio/pcm";
        await context.Response.StartAsync(cancellationToken);
        var chunkBytes = Math.Max(1, ChunkBytes);
        var chunk = 0;
        for (var offset = 0; offset < pcm.Length; offset += chunkBytes, chunk++)
        {
            if (chunk > 0)
            {
                await Task.Delay(ChunkInterval, _timeProvider, cancellationToken);
            }

            if (reply.DropAfterChunks is { } drop && chunk >= drop)
            {
                Interlocked.Increment(ref _streamsAborted);
                context.Abort();
                return;
            }

            if (HoldAfterChunks is { } hold && chunk == hold)
            {
                _holding.TrySetResult();
                await _released.Task.WaitAsync(cancellationToken);
            }

            await context.Response.Body.WriteAsync(pcm.AsMemory(offset, Math.Min(chunkBytes, pcm.Length - offset)), cancellationToken);
            await context.Response.Body.FlushAsync(cancellationToken);
            Interlocked.Increment(ref _chunksSent);
        }

        await context.Response.CompleteAsync();
        Interlocked.Increment(ref _streamsCompleted);
    }

    private static async Task WriteErrorAsync(HttpContext context, EmulatedSpeech reply, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(reply.ErrorBody ?? """{"error":{"message":"Emulated failure.","type":"server_error","param":null,"code":null}}""", cancellationToken);
    }
}
