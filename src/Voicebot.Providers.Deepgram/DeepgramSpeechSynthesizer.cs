using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions;
using Voicebot.Abstractions.Speech;

namespace Voicebot.Providers.Deepgram;

/// <summary>
/// Text to speech with Deepgram Aura-2 (<c>POST /v1/speak</c>), asking for raw 8 kHz linear16 (<c>container=none</c>: a WAV
/// header would play as a click) and streaming the body as it arrives. Thread-safe; one HTTP request per text.
/// </summary>
public sealed class DeepgramSpeechSynthesizer : ISpeechSynthesizer
{
    /// <summary>The named <see cref="HttpClient"/> registered by <c>AddDeepgramSpeech</c>.</summary>
    public const string HttpClientName = "Voicebot.Deepgram.Aura";

    /// <summary>The provider name in <see cref="ProviderUnavailableException.Provider"/>.</summary>
    public const string ProviderName = "deepgram-aura";

    /// <summary>Telephone rate, requested from Aura so no resampling is needed.</summary>
    public const int SampleRate = 8000;

    private const int ReadBufferBytes = 4096;
    private const int MaxErrorBodyBytes = 4096;

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly DeepgramOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public DeepgramSpeechSynthesizer(
        IHttpClientFactory httpClientFactory,
        IOptions<DeepgramOptions> options,
        ILogger<DeepgramSpeechSynthesizer> logger,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _httpClientFactory = httpClientFactory;
        _options = options.Value;
        _logger = logger;
        _time = timeProvider ?? TimeProvider.System;
        Voice = new SpeechVoice(ProviderName, _options.SpeakModel, SampleRate, "encoding=linear16;container=none");
    }

    /// <summary><c>deepgram-aura</c>, the configured <see cref="DeepgramOptions.SpeakModel"/>, 8000 Hz.</summary>
    public SpeechVoice Voice { get; }

    /// <inheritdoc />
    /// <exception cref="ProviderUnavailableException">
    /// No key, no connection, an error status (<see cref="ProviderFailure.HttpStatus"/>, with Deepgram's error text), no audio
    /// within <see cref="DeepgramOptions.SpeakFirstByteTimeout"/> (<see cref="ProviderFailure.FirstByteTimeout"/>), or the
    /// stream broke or stalled (<see cref="ProviderFailure.Closed"/>).
    /// </exception>
    public async IAsyncEnumerable<SynthesizedAudio> SynthesizeAsync(string text, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            yield break;
        }

        using var timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var started = _time.GetTimestamp();
        using var response = await SendAsync(text, timeout, linked.Token, cancellationToken);
        await using var body = await ReadBodyAsync(response, timeout, linked.Token, cancellationToken);

        var buffer = new byte[ReadBufferBytes + 1];
        var carried = 0;   // an odd trailing byte waits for its sample's second half
        long total = 0;
        var chunks = 0;
        long firstByteMs = -1;
        while (true)
        {
            var read = await ReadAsync(body, buffer.AsMemory(carried, ReadBufferBytes), timeout, firstByte: total == 0 && carried == 0, linked.Token, cancellationToken);
            if (read == 0)
            {
                break;
            }

            if (firstByteMs < 0)
            {
                firstByteMs = (long)_time.GetElapsedTime(started).TotalMilliseconds;
            }

            var available = carried + read;
            var even = available & ~1;
            carried = available - even;
            if (even == 0)
            {
                continue;
            }

            var chunk = buffer.AsSpan(0, even).ToArray();
            if (carried == 1)
            {
                buffer[0] = buffer[even];
            }

            total += even;
            chunks++;
            yield return new SynthesizedAudio(chunk, SampleRate);
        }

        DeepgramLog.SpeakCompleted(_logger, total, chunks, firstByteMs);
    }

    private async Task<HttpResponseMessage> SendAsync(string text, CancellationTokenSource timeout, CancellationToken token, CancellationToken cancellationToken)
    {
        var apiKey = _options.ApiKey;
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            throw Unavailable(ProviderFailure.ConnectRefused, "Deepgram:ApiKey is not set.");
        }

        DeepgramLog.SpeakStarted(_logger, _options.SpeakModel, text.Length);
        DeepgramLog.SpeakText(_logger, text);
        var uri = new UriBuilder(_options.SpeakBaseUrl)
        {
            Path = _options.SpeakBaseUrl.AbsolutePath.TrimEnd('/') + "/v1/speak",
            Query = string.Create(
                CultureInfo.InvariantCulture,
                $"model={Uri.EscapeDataString(_options.SpeakModel)}&encoding=linear16&sample_rate={SampleRate}&container=none"),
        }.Uri;
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = JsonContent.Create(new SpeakRequest(text), DeepgramJsonContext.Default.SpeakRequest),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Token", apiKey);

        var client = _httpClientFactory.CreateClient(HttpClientName);
        timeout.CancelAfter(_options.SpeakFirstByteTimeout);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            throw Unavailable(ProviderFailure.FirstByteTimeout, FirstByteMessage(), exception);
        }
        catch (HttpRequestException exception)
        {
            throw Unavailable(ProviderFailure.ConnectRefused, $"Could not reach Deepgram Aura at {uri.Authority}: {exception.Message}", exception);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var error = await ReadErrorAsync(response, token);
            throw Unavailable(
                ProviderFailure.HttpStatus,
                string.Create(CultureInfo.InvariantCulture, $"Deepgram Aura returned HTTP {(int)response.StatusCode} ({response.ReasonPhrase}): {error}"));
        }
    }

    private async Task<Stream> ReadBodyAsync(HttpResponseMessage response, CancellationTokenSource timeout, CancellationToken token, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsStreamAsync(token);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            throw Unavailable(ProviderFailure.FirstByteTimeout, FirstByteMessage(), exception);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            throw Unavailable(ProviderFailure.Closed, "Deepgram Aura closed the response: " + exception.Message, exception);
        }
    }

    private async ValueTask<int> ReadAsync(
        Stream body, Memory<byte> buffer, CancellationTokenSource timeout, bool firstByte, CancellationToken token, CancellationToken cancellationToken)
    {
        // Re-armed before every read: the first byte and every later chunk must come within the timeout.
        timeout.CancelAfter(_options.SpeakFirstByteTimeout);
        try
        {
            return await body.ReadAsync(buffer, token);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            throw firstByte
                ? Unavailable(ProviderFailure.FirstByteTimeout, FirstByteMessage(), exception)
                : Unavailable(
                    ProviderFailure.Closed,
                    string.Create(CultureInfo.InvariantCulture, $"Deepgram Aura stalled for {_options.SpeakFirstByteTimeout.TotalMilliseconds} ms mid-stream."),
                    exception);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            throw Unavailable(ProviderFailure.Closed, "Deepgram Aura broke off the audio stream: " + exception.Message, exception);
        }
    }

    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken token)
    {
        byte[] body;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(token);
            var buffer = new byte[MaxErrorBodyBytes];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), token)) > 0)
            {
                length += read;
            }

            body = buffer.AsSpan(0, length).ToArray();
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or OperationCanceledException)
        {
            return "(no body)";
        }

        try
        {
            var error = JsonSerializer.Deserialize(body, DeepgramJsonContext.Default.SpeakError);
            if ((error?.ErrMsg ?? error?.Reason ?? error?.Message) is { Length: > 0 } message)
            {
                return error?.ErrCode is { Length: > 0 } code ? $"{code}: {message}" : message;
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall back to the raw text.
        }

        var text = System.Text.Encoding.UTF8.GetString(body).Trim();
        return text.Length == 0 ? "(no body)" : text[..Math.Min(text.Length, 300)];
    }

    private string FirstByteMessage() => string.Create(
        CultureInfo.InvariantCulture, $"Deepgram Aura sent no audio within {_options.SpeakFirstByteTimeout.TotalMilliseconds} ms.");

    private ProviderUnavailableException Unavailable(ProviderFailure failure, string message, Exception? innerException = null)
    {
        DeepgramLog.SpeakUnavailable(_logger, failure, message);
        return new ProviderUnavailableException(ProviderName, failure, message, innerException);
    }
}
