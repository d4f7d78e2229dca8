using System.Globalization;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Voicebot.Abstractions;
using Voicebot.Abstractions.Speech;

namespace Voicebot.Providers.Deepgram;

/// <summary>
/// Live speech-to-text over Deepgram's <c>/v1/listen</c> WebSocket, implemented on the documented wire protocol with
/// <see cref="ClientWebSocket"/>. Each <see cref="RecognizeAsync"/> enumeration is one session: one connection (re-opened
/// at most <see cref="DeepgramOptions.ReconnectAttempts"/> times if it drops), audio sent as binary frames as it arrives,
/// <c>KeepAlive</c> while no audio flows, <c>Finalize</c> on request and <c>CloseStream</c> when the input ends.
/// Thread-safe: the instance holds only settings; sessions share nothing.
/// </summary>
public sealed class DeepgramSpeechRecognizer : ISpeechRecognizer
{
    /// <summary>The provider name in logs, metrics and <see cref="ProviderUnavailableException.Provider"/>.</summary>
    public const string ProviderName = "deepgram";

    private static readonly ResiliencePropertyKey<Guid> CallIdKey = new("Voicebot.CallId");

    private readonly DeepgramOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _connectPipeline;

    public DeepgramSpeechRecognizer(IOptions<DeepgramOptions> options, ILogger<DeepgramSpeechRecognizer> logger, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        _logger = logger;
        _time = timeProvider ?? TimeProvider.System;
        _connectPipeline = BuildConnectPipeline();
    }

    /// <inheritdoc />
    public string Name => ProviderName;

    internal DeepgramOptions Options => _options;

    internal ILogger Logger => _logger;

    internal TimeProvider Time => _time;

    /// <inheritdoc />
    /// <exception cref="ProviderUnavailableException">
    /// The key is missing, the handshake failed after its retries, or a dropped connection could not be re-opened.
    /// </exception>
    public async IAsyncEnumerable<RecognitionUpdate> RecognizeAsync(
        IAsyncEnumerable<RecognitionInput> input,
        RecognitionOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.SampleRate);

        var session = new DeepgramListenSession(this, input, options, BuildListenUri(options));
        try
        {
            await session.StartAsync(cancellationToken);
            await foreach (var update in session.Updates.ReadAllAsync(cancellationToken))
            {
                yield return update;
            }
        }
        finally
        {
            await session.DisposeAsync();
        }
    }

    /// <summary>The <c>/v1/listen</c> address with every query parameter; it carries no secret.</summary>
    internal Uri BuildListenUri(RecognitionOptions options)
    {
        var language = string.IsNullOrWhiteSpace(options.Language) ? _options.Language : options.Language;
        var query = new StringBuilder(256)
            .Append(CultureInfo.InvariantCulture, $"model={Uri.EscapeDataString(_options.Model)}")
            .Append(CultureInfo.InvariantCulture, $"&language={Uri.EscapeDataString(language)}")
            .Append(CultureInfo.InvariantCulture, $"&encoding=linear16&sample_rate={options.SampleRate}&channels=1")
            .Append(CultureInfo.InvariantCulture, $"&interim_results={Bool(_options.InterimResults)}")
            .Append("&endpointing=").Append(_options.Endpointing == 0 ? "false" : _options.Endpointing.ToString(CultureInfo.InvariantCulture));
        if (_options.UtteranceEndMs > 0)
        {
            query.Append(CultureInfo.InvariantCulture, $"&utterance_end_ms={_options.UtteranceEndMs}");
        }

        query.Append(CultureInfo.InvariantCulture, $"&vad_events={Bool(_options.VadEvents)}&smart_format={Bool(_options.SmartFormat)}");
        var builder = new UriBuilder(_options.BaseUrl)
        {
            Path = _options.BaseUrl.AbsolutePath.TrimEnd('/') + "/v1/listen",
            Query = query.ToString(),
        };
        return builder.Uri;

        static string Bool(bool value) => value ? "true" : "false";
    }

    /// <summary>Opens one connection: key check, then handshakes with timeout and retries.</summary>
    /// <exception cref="ProviderUnavailableException">No connection after the retries.</exception>
    internal async Task<ClientWebSocket> ConnectAsync(Uri uri, Guid callId, int sampleRate, CancellationToken cancellationToken)
    {
        var apiKey = _options.ApiKey;
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            DeepgramLog.ListenUnavailable(_logger, callId, ProviderFailure.ConnectRefused, "Deepgram:ApiKey is not set");
            throw new ProviderUnavailableException(ProviderName, ProviderFailure.ConnectRefused, "Deepgram:ApiKey is not set.");
        }

        DeepgramLog.ListenConnecting(_logger, callId, uri.GetLeftPart(UriPartial.Path), _options.Model, sampleRate);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(CallIdKey, callId);
        try
        {
            return await _connectPipeline.ExecuteAsync(
                static (context, state) => state.Self.ConnectOnceAsync(state.Uri, state.ApiKey, context.Properties.GetValue(CallIdKey, Guid.Empty), context.CancellationToken),
                context,
                (Self: this, Uri: uri, ApiKey: apiKey));
        }
        catch (DeepgramConnectException exception)
        {
            DeepgramLog.ListenUnavailable(_logger, callId, exception.Failure, exception.Message);
            throw new ProviderUnavailableException(ProviderName, exception.Failure, exception.Message, exception);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<ClientWebSocket> ConnectOnceAsync(Uri uri, string apiKey, Guid callId, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Token " + apiKey);
        socket.Options.CollectHttpResponseDetails = true;
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var started = _time.GetTimestamp();
        try
        {
            await socket.ConnectAsync(uri, linked.Token);
            DeepgramLog.ListenConnected(_logger, callId, (long)_time.GetElapsedTime(started).TotalMilliseconds);
            return socket;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw;
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or HttpRequestException or IOException)
        {
            var status = (int)socket.HttpStatusCode;
            socket.Dispose();
            if (timeout.IsCancellationRequested)
            {
                throw new DeepgramConnectException(
                    ProviderFailure.ConnectTimeout,
                    isTransient: true,
                    string.Create(CultureInfo.InvariantCulture, $"Deepgram did not complete the handshake within {_options.ConnectTimeout.TotalMilliseconds} ms."),
                    exception);
            }

            if (status is not 0 and not 101)
            {
                // Handshake refused: Deepgram answers HTTP 4xx/5xx instead of upgrading.
                throw new DeepgramConnectException(
                    ProviderFailure.HttpStatus,
                    isTransient: status is 408 or 429 or >= 500,
                    string.Create(CultureInfo.InvariantCulture, $"Deepgram refused the handshake with HTTP {status}."),
                    exception);
            }

            throw new DeepgramConnectException(
                ProviderFailure.ConnectRefused,
                isTransient: true,
                $"Could not connect to Deepgram at {uri.Authority}: {exception.Message}",
                exception);
        }
    }

    private ResiliencePipeline BuildConnectPipeline()
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = _time };
        if (_options.ConnectRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<DeepgramConnectException>(static exception => exception.IsTransient),
                MaxRetryAttempts = _options.ConnectRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.ConnectRetryDelay,
                OnRetry = args =>
                {
                    var failure = args.Outcome.Exception as DeepgramConnectException;
                    DeepgramLog.ListenConnectRetry(
                        _logger,
                        args.Context.Properties.GetValue(CallIdKey, Guid.Empty),
                        args.AttemptNumber + 1,
                        failure?.Failure ?? ProviderFailure.Unknown,
                        (long)args.RetryDelay.TotalMilliseconds,
                        args.Outcome.Exception?.Message ?? "unknown");
                    return default;
                },
            });
        }

        return builder.Build();
    }
}
