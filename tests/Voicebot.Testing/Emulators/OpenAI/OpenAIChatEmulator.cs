using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Voicebot.Testing.Emulators.OpenAI;

/// <summary>
/// A loopback OpenAI-compatible chat completions server (Kestrel, 127.0.0.1, free port): <c>POST /v1/chat/completions</c>
/// and Groq's <c>/openai/v1/chat/completions</c>. Streams <c>text/event-stream</c> in OpenAI's chunk format
/// (<c>data: {chat.completion.chunk}</c> … <c>data: [DONE]</c>), with tool-call arguments split across chunks,
/// paced by <see cref="FirstTokenLatency"/> and <see cref="TokensPerSecond"/>. What to answer comes from
/// <see cref="Reply"/>, which can also inject failures. Records every request. Thread-safe.
/// </summary>
public sealed class OpenAIChatEmulator : IAsyncDisposable
{
    private readonly ConcurrentQueue<ChatRequest> _requests = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeProvider _timeProvider;
    private Func<ChatRequest, EmulatedReply> _reply;
    private LoopbackHttpServer? _server;
    private int _chunksSent;
    private int _streamsCompleted;
    private int _streamsAborted;
    private int _nextId;

    /// <param name="reply">The script; default: every request gets the text « D'accord. ».</param>
    /// <param name="timeProvider">Clock of the latencies; <see cref="TimeProvider.System"/> by default.</param>
    public OpenAIChatEmulator(Func<ChatRequest, EmulatedReply>? reply = null, TimeProvider? timeProvider = null)
    {
        _reply = reply ?? (_ => EmulatedReply.Say("D'accord."));
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Decides the answer to each request (called once per request, possibly concurrently).</summary>
    public Func<ChatRequest, EmulatedReply> Reply
    {
        get => Volatile.Read(ref _reply);
        set => Volatile.Write(ref _reply, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>Delay between the response headers and the first chunk. Default 300 ms.</summary>
    public TimeSpan FirstTokenLatency { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Pace of the following chunks (one token or argument fragment per chunk). Default 40 per second.</summary>
    public double TokensPerSecond { get; set; } = 40;

    /// <summary>Characters of tool-call arguments per chunk. Default 5, so every argument spans several chunks.</summary>
    public int ArgumentFragmentLength { get; set; } = 5;

    /// <summary><c>http://127.0.0.1:{port}/v1</c>: the base URL to give the OpenAI SDK. Valid after <see cref="StartAsync"/>.</summary>
    public string BaseUrl => $"{Root}/v1";

    /// <summary><c>http://127.0.0.1:{port}/openai/v1</c>, Groq's layout.</summary>
    public string GroqBaseUrl => $"{Root}/openai/v1";

    /// <summary><c>http://127.0.0.1:{port}</c>.</summary>
    public string Root => (_server ?? throw new InvalidOperationException("Call StartAsync first.")).Root.ToString().TrimEnd('/');

    /// <summary>Every request received so far, in arrival order.</summary>
    public IReadOnlyList<ChatRequest> Requests => [.. _requests];

    /// <summary>SSE <c>data:</c> events written so far, <c>[DONE]</c> excluded, over all requests.</summary>
    public int ChunksSent => Volatile.Read(ref _chunksSent);

    /// <summary>Streams that reached <c>data: [DONE]</c>.</summary>
    public int StreamsCompleted => Volatile.Read(ref _streamsCompleted);

    /// <summary>Requests that ended early: dropped on purpose, or the client went away.</summary>
    public int StreamsAborted => Volatile.Read(ref _streamsAborted);

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_server is not null)
        {
            throw new InvalidOperationException("Already started.");
        }

        _server = await LoopbackHttpServer.StartAsync(["/v1/chat/completions", "/openai/v1/chat/completions"], HandleAsync, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
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
            await WriteErrorAsync(context, EmulatedReply.Error(400, "invalid_json", ex.Message), cancellationToken);
            return;
        }

        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new ChatRequest(context.Request.Path.Value ?? string.Empty, body, headers);
        _requests.Enqueue(request);
        var reply = Reply(request);
        try
        {
            if (reply.HangBeforeFirstByte)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, _timeProvider, cancellationToken);
            }

            if (reply.Status != StatusCodes.Status200OK)
            {
                await WriteErrorAsync(context, reply, cancellationToken);
                return;
            }

            if (request.Stream)
            {
                await StreamAsync(context, request, reply, cancellationToken);
            }
            else
            {
                await WriteCompletionAsync(context, request, reply, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _streamsAborted);
        }
    }

    private async Task StreamAsync(HttpContext context, ChatRequest request, EmulatedReply reply, CancellationToken cancellationToken)
    {
        var id = $"chatcmpl-emu{Interlocked.Increment(ref _nextId)}";
        var created = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var model = request.Model ?? "unknown";
        var chunks = BuildDeltas(reply).Select(delta => Chunk(id, created, model, delta.Delta, delta.FinishReason)).ToList();
        if (request.IncludeUsage)
        {
            var completionTokens = chunks.Count;
            chunks.Add(new JsonObject
            {
                ["id"] = id,
                ["object"] = "chat.completion.chunk",
                ["created"] = created,
                ["model"] = model,
                ["choices"] = new JsonArray(),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 100, ["completion_tokens"] = completionTokens, ["total_tokens"] = 100 + completionTokens },
            });
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.StartAsync(cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);

        await Task.Delay(reply.FirstTokenLatency ?? FirstTokenLatency, _timeProvider, cancellationToken);
        var interval = TimeSpan.FromSeconds(1 / Math.Max(0.001, reply.TokensPerSecond ?? TokensPerSecond));
        for (var i = 0; i < chunks.Count; i++)
        {
            if (i > 0)
            {
                await Task.Delay(interval, _timeProvider, cancellationToken);
            }

            if (reply.DropAfterChunks is { } drop && i >= drop)
            {
                Interlocked.Increment(ref _streamsAborted);
                context.Abort();
                return;
            }

            await context.Response.WriteAsync($"data: {chunks[i].ToJsonString()}\n\n", cancellationToken);
            await context.Response.Body.FlushAsync(cancellationToken);
            Interlocked.Increment(ref _chunksSent);
        }

        await context.Response.WriteAsync("data: [DONE]\n\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
        Interlocked.Increment(ref _streamsCompleted);
    }

    // The deltas of a reply, in OpenAI's order: role, content tokens, each tool call (id and name, then argument fragments), finish.
    private List<(JsonObject Delta, string? FinishReason)> BuildDeltas(EmulatedReply reply)
    {
        var deltas = new List<(JsonObject, string?)>
        {
            (new JsonObject { ["role"] = "assistant", ["content"] = reply.ToolCalls.Count > 0 && reply.Text is null ? null : string.Empty }, null),
        };
        foreach (var token in Split(reply.Text ?? string.Empty, 4))
        {
            deltas.Add((new JsonObject { ["content"] = token }, null));
        }

        for (var index = 0; index < reply.ToolCalls.Count; index++)
        {
            var call = reply.ToolCalls[index];
            deltas.Add((ToolCallDelta(new JsonObject
            {
                ["index"] = index,
                ["id"] = $"call_emu{Interlocked.Increment(ref _nextId)}",
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = string.Empty },
            }), null));
            foreach (var fragment in Split(call.ArgumentsJson, Math.Max(1, ArgumentFragmentLength)))
            {
                deltas.Add((ToolCallDelta(new JsonObject { ["index"] = index, ["function"] = new JsonObject { ["arguments"] = fragment } }), null));
            }
        }

        deltas.Add((new JsonObject(), reply.ToolCalls.Count > 0 ? "tool_calls" : "stop"));
        return deltas;

        static JsonObject ToolCallDelta(JsonObject call) => new() { ["tool_calls"] = new JsonArray(call) };
    }

    private static JsonObject Chunk(string id, long created, string model, JsonObject delta, string? finishReason) => new()
    {
        ["id"] = id,
        ["object"] = "chat.completion.chunk",
        ["created"] = created,
        ["model"] = model,
        ["system_fingerprint"] = "fp_emulator",
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["delta"] = delta,
            ["logprobs"] = null,
            ["finish_reason"] = finishReason,
        }),
    };

    private async Task WriteCompletionAsync(HttpContext context, ChatRequest request, EmulatedReply reply, CancellationToken cancellationToken)
    {
        await Task.Delay(reply.FirstTokenLatency ?? FirstTokenLatency, _timeProvider, cancellationToken);
        var toolCalls = new JsonArray();
        foreach (var call in reply.ToolCalls)
        {
            toolCalls.Add(new JsonObject
            {
                ["id"] = $"call_emu{Interlocked.Increment(ref _nextId)}",
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = call.ArgumentsJson },
            });
        }

        var message = new JsonObject { ["role"] = "assistant", ["content"] = reply.Text };
        if (toolCalls.Count > 0)
        {
            message["tool_calls"] = toolCalls;
        }

        var completion = new JsonObject
        {
            ["id"] = $"chatcmpl-emu{Interlocked.Increment(ref _nextId)}",
            ["object"] = "chat.completion",
            ["created"] = _timeProvider.GetUtcNow().ToUnixTimeSeconds(),
            ["model"] = request.Model ?? "unknown",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["logprobs"] = null,
                ["finish_reason"] = toolCalls.Count > 0 ? "tool_calls" : "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 100, ["completion_tokens"] = 10, ["total_tokens"] = 110 },
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(completion.ToJsonString(), cancellationToken);
        Interlocked.Increment(ref _streamsCompleted);
    }

    private static async Task WriteErrorAsync(HttpContext context, EmulatedReply reply, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(reply.ErrorBody ?? """{"error":{"message":"Emulated failure.","type":"server_error","param":null,"code":null}}""", cancellationToken);
    }

    private static IEnumerable<string> Split(string text, int length)
    {
        for (var i = 0; i < text.Length; i += length)
        {
            yield return text.Substring(i, Math.Min(length, text.Length - i));
        }
    }
}
