using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Audio;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Voicebot.Abstractions;
using Voicebot.Abstractions.Speech;

namespace Voicebot.Providers.OpenAI.Speech;

/// <summary>
/// OpenAI text to speech, streamed: <c>POST {Endpoint}/audio/speech</c> with <c>response_format=pcm</c> (raw 24 kHz
/// 16-bit little-endian mono) through the SDK's protocol method with an unbuffered response, yielding even-length
/// chunks as the chunked body arrives. Requests that fail before any audio are retried
/// (<see cref="OpenAITtsOptions.MaxRetries"/>); once audio has been yielded, a failure ends the stream. Failures are
/// <see cref="ProviderUnavailableException"/> (provider <c>openai-tts</c>), so the caller falls back to the
/// embedded voice. Thread-safe.
/// </summary>
public sealed class OpenAISpeechSynthesizer : ISpeechSynthesizer
{
    /// <summary>The provider name in <see cref="ProviderUnavailableException.Provider"/> and <see cref="SpeechVoice.Engine"/>.</summary>
    public const string ProviderName = "openai-tts";

    /// <summary>The rate of <c>response_format=pcm</c>.</summary>
    public const int NativeSampleRate = 24000;

    /// <summary>The API's limit on <c>input</c>.</summary>
    public const int MaxInputCharacters = 4096;

    private readonly OpenAITtsOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly AudioClient? _client;
    private readonly ResiliencePipeline _openPipeline;

    /// <param name="options">Endpoint, key, model, voice, speed, timeouts.</param>
    /// <param name="logger">Texts at Trace only; the key never.</param>
    /// <param name="timeProvider">Clock of the timeouts and retry delays; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public OpenAISpeechSynthesizer(IOptions<OpenAITtsOptions> options, ILogger<OpenAISpeechSynthesizer> logger, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        _logger = logger;
        _timeProvider = timeProvider ?? TimeProvider.System;
        Voice = new SpeechVoice(
            ProviderName,
            _options.Voice,
            NativeSampleRate,
            string.Create(CultureInfo.InvariantCulture, $"model={_options.Model};speed={_options.Speed}"));

        if (string.IsNullOrWhiteSpace(_options.ApiKey))
        {
            OpenAILog.TtsMissingApiKey(logger);
        }
        else
        {
            _client = new AudioClient(_options.Model, new ApiKeyCredential(_options.ApiKey), new OpenAIClientOptions
            {
                Endpoint = new Uri(_options.Endpoint),
                RetryPolicy = new ClientRetryPolicy(maxRetries: 0),   // retries are ours, and only before the first byte
            });
        }

        _openPipeline = new ResiliencePipelineBuilder { TimeProvider = _timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, _options.MaxRetries),
                ShouldHandle = args => ValueTask.FromResult(_options.MaxRetries > 0 && IsTransient(args.Outcome.Exception)),
                BackoffType = DelayBackoffType.Constant,
                Delay = TimeSpan.FromMilliseconds(100),
                UseJitter = false,
                OnRetry = args =>
                {
                    OpenAILog.TtsRetry(_logger, args.AttemptNumber + 1, args.Outcome.Exception?.Message ?? "no outcome");
                    return default;
                },
            })
            .AddTimeout(_options.FirstByteTimeout)
            .Build();
    }

    /// <summary><c>openai-tts</c>, the configured voice, 24000 Hz, settings <c>model=…;speed=…</c>.</summary>
    public SpeechVoice Voice { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="text"/> is longer than <see cref="MaxInputCharacters"/> (thrown at once).</exception>
    /// <exception cref="ProviderUnavailableException">No key, an error status, a timeout, or the connection closed.</exception>
    public IAsyncEnumerable<SynthesizedAudio> SynthesizeAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxInputCharacters)
        {
            throw new ArgumentException($"OpenAI TTS accepts at most {MaxInputCharacters} characters; got {text.Length}.", nameof(text));
        }

        return SynthesizeCoreAsync(text, cancellationToken);
    }

    private async IAsyncEnumerable<SynthesizedAudio> SynthesizeCoreAsync(string text, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            yield break;
        }

        if (_client is null)
        {
            throw Fail(new ProviderUnavailableException(ProviderName, ProviderFailure.Unknown, "openai-tts: no API key (OpenAITts__ApiKey or OPENAI_API_KEY)."));
        }

        OpenAILog.TtsRequest(_logger, _options.Model, _options.Voice, text.Length);
        OpenAILog.TtsText(_logger, text);
        var started = _timeProvider.GetTimestamp();
        var (response, reader, first) = await OpenAsync(_client, text, cancellationToken);
        using (response)
        {
            if (first is null)
            {
                yield break;
            }

            OpenAILog.TtsFirstChunk(_logger, _timeProvider.GetElapsedTime(started).TotalMilliseconds);
            var chunks = 1;
            yield return new SynthesizedAudio(first, NativeSampleRate);

            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            while (await ReadNextAsync(reader, idle, cancellationToken) is { } chunk)
            {
                chunks++;
                yield return new SynthesizedAudio(chunk, NativeSampleRate);
            }

            OpenAILog.TtsCompleted(_logger, reader.TotalBytes, chunks, NativeSampleRate);
        }
    }

    /// <summary>Sends the request and reads the first chunk, with retries and a first-byte timeout per attempt.</summary>
    private async Task<(PipelineResponse Response, PcmChunkReader Reader, byte[]? First)> OpenAsync(AudioClient client, string text, CancellationToken cancellationToken)
    {
        var body = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(new SpeechRequest(_options.Model, text, _options.Voice, "pcm", _options.Speed)));
        try
        {
            return await _openPipeline.ExecuteAsync(
                async token =>
                {
                    using var content = BinaryContent.Create(body);
                    var result = await client.GenerateSpeechAsync(content, new RequestOptions { BufferResponse = false, CancellationToken = token });
                    var response = result.GetRawResponse();
                    try
                    {
                        var reader = new PcmChunkReader(response.ContentStream ?? Stream.Null);
                        var first = await reader.ReadAsync(token);
                        return (response, reader, first);
                    }
                    catch
                    {
                        response.Dispose();
                        throw;
                    }
                },
                cancellationToken);
        }
        catch (Exception ex) when (ex is not ProviderUnavailableException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw Fail(ex is TimeoutRejectedException
                ? ProviderErrors.Timeout(ProviderName, ProviderFailure.FirstByteTimeout, "no audio", _options.FirstByteTimeout, ex)
                : ProviderErrors.From(ProviderName, ex));
        }
    }

    private async ValueTask<byte[]?> ReadNextAsync(PcmChunkReader reader, CancellationTokenSource idle, CancellationToken cancellationToken)
    {
        idle.CancelAfter(_options.FirstByteTimeout);
        try
        {
            return await reader.ReadAsync(idle.Token);
        }
        catch (Exception ex) when (ex is not ProviderUnavailableException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw Fail(idle.IsCancellationRequested
                ? ProviderErrors.Timeout(ProviderName, ProviderFailure.Closed, "the audio stalled: no bytes", _options.FirstByteTimeout, ex)
                : ProviderErrors.From(ProviderName, ex));
        }
    }

    // Worth another attempt before any audio: refused or dropped connections, 408/429/5xx, the first-byte timeout.
    private static bool IsTransient(Exception? exception) => exception switch
    {
        null or OperationCanceledException => false,
        TimeoutRejectedException => true,
        ClientResultException { Status: 408 or 429 or >= 500 } => true,
        ClientResultException { Status: 0 } => true,
        HttpRequestException or IOException => true,
        _ => false,
    };

    private ProviderUnavailableException Fail(ProviderUnavailableException exception)
    {
        OpenAILog.TtsUnavailable(_logger, exception.Failure, exception.Message);
        return exception;
    }

    private sealed record SpeechRequest(
        [property: JsonPropertyName("model")] string Model,
        [property: JsonPropertyName("input")] string Input,
        [property: JsonPropertyName("voice")] string Voice,
        [property: JsonPropertyName("response_format")] string ResponseFormat,
        [property: JsonPropertyName("speed")] double Speed);
}
