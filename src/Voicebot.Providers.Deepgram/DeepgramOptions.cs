using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Voicebot.Providers.Deepgram;

/// <summary>
/// Settings of the Deepgram providers (section <c>Deepgram</c>): live speech-to-text over the <c>/v1/listen</c> WebSocket
/// and Aura text-to-speech over <c>POST /v1/speak</c>. Every default works with no keys; <see cref="ApiKey"/> is only
/// checked when a Deepgram provider is actually used, so a host configured for other providers starts without it.
/// </summary>
public sealed class DeepgramOptions : IValidatableObject
{
    public const string SectionName = "Deepgram";

    /// <summary>
    /// Deepgram API key, sent as <c>Authorization: Token &lt;key&gt;</c>. Secret: never logged and left out of
    /// <see cref="ToString"/>. Set it with the <c>Deepgram__ApiKey</c> environment variable (or a .env file the host
    /// loads), not in appsettings.json. No default; required at connect time only.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Base address of live speech-to-text (<c>ws</c> or <c>wss</c>). Default <c>wss://api.deepgram.com</c>.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("wss://api.deepgram.com");

    /// <summary>Base address of Aura text-to-speech (<c>http</c> or <c>https</c>). Default <c>https://api.deepgram.com</c>.</summary>
    [Required]
    public Uri SpeakBaseUrl { get; set; } = new("https://api.deepgram.com");

    /// <summary>
    /// Speech-to-text model (<c>model</c>). Default <c>nova-3</c> (monolingual French streaming since 2025-09-02);
    /// <c>nova-2</c> also serves French. <c>nova-2-phonecall</c> is English-only as far as we know.
    /// </summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9._-]*$")]
    public string Model { get; set; } = "nova-3";

    /// <summary>
    /// Language (<c>language</c>) used when the session's <c>RecognitionOptions.Language</c> is empty; the session's
    /// language wins otherwise. Default <c>fr</c>.
    /// </summary>
    [Required]
    [RegularExpression("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    public string Language { get; set; } = "fr";

    /// <summary>
    /// Silence, in milliseconds, after which Deepgram marks a result <c>speech_final</c> (<c>endpointing</c>; the
    /// service default is 10 ms). 0 sends <c>endpointing=false</c>. Default 300 ms.
    /// </summary>
    [Range(0, 10_000)]
    public int Endpointing { get; set; } = 300;

    /// <summary>
    /// Gap, in milliseconds, after the last final word before Deepgram sends <c>UtteranceEnd</c>
    /// (<c>utterance_end_ms</c>; requires <see cref="InterimResults"/>). 0 leaves the parameter out. Default 1000 ms.
    /// </summary>
    [Range(0, 60_000)]
    public int UtteranceEndMs { get; set; } = 1000;

    /// <summary>Ask for interim (non-final) transcripts (<c>interim_results</c>). Default <see langword="true"/>.</summary>
    public bool InterimResults { get; set; } = true;

    /// <summary>Ask for <c>SpeechStarted</c> messages (<c>vad_events</c>). Default <see langword="true"/>.</summary>
    public bool VadEvents { get; set; } = true;

    /// <summary>Formatting of numbers, dates and punctuation (<c>smart_format</c>). Default <see langword="true"/>.</summary>
    public bool SmartFormat { get; set; } = true;

    /// <summary>
    /// How long the socket may go without audio before a <c>{"type":"KeepAlive"}</c> text frame is sent. Deepgram
    /// closes a connection with <c>NET-0001</c> after 10 s without audio or KeepAlive and advises 3–5 s. Default 4 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:09")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Longest wait for one WebSocket handshake (per attempt). Default 3 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Retries of a failed handshake (timeout, refused, 408/429/5xx; never 401/403/400, which a retry cannot fix),
    /// with exponential backoff from <see cref="ConnectRetryDelay"/>. Only connecting is retried, never audio. Default 2.
    /// </summary>
    [Range(0, 10)]
    public int ConnectRetries { get; set; } = 2;

    /// <summary>First backoff delay between handshake retries; doubles each retry (with jitter). Default 200 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan ConnectRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How many times one recognition session may re-open a connection that dropped mid-call (each re-open is a full
    /// connect with its retries). Audio arriving while disconnected is dropped. Default 2.
    /// </summary>
    [Range(0, 100)]
    public int ReconnectAttempts { get; set; } = 2;

    /// <summary>
    /// Longest wait, after <c>CloseStream</c> or a close we start, for Deepgram's last results, <c>Metadata</c> and
    /// close frame; then the socket is aborted. Default 3 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Aura voice (<c>model</c> of <c>/v1/speak</c>), format <c>aura-2-&lt;voice&gt;-&lt;lang&gt;</c>. French Aura-2 voices
    /// (added 2025-12-12) end in <c>-fr</c>; we did not retrieve the list of French voice names, so check the default
    /// against Deepgram's TTS models page before relying on it. Default <c>aura-2-agathe-fr</c>.
    /// </summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9._-]*$")]
    public string SpeakModel { get; set; } = "aura-2-agathe-fr";

    /// <summary>
    /// Longest wait for the first byte of Aura audio after the request is sent, and then for each following chunk.
    /// Default 2 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan SpeakFirstByteTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BaseUrl is { } listen && (!listen.IsAbsoluteUri || (listen.Scheme != "ws" && listen.Scheme != "wss")))
        {
            yield return new ValidationResult("BaseUrl must be an absolute ws:// or wss:// address.", [nameof(BaseUrl)]);
        }

        if (SpeakBaseUrl is { } speak && (!speak.IsAbsoluteUri || (speak.Scheme != Uri.UriSchemeHttp && speak.Scheme != Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult("SpeakBaseUrl must be an absolute http:// or https:// address.", [nameof(SpeakBaseUrl)]);
        }

        if (UtteranceEndMs > 0 && !InterimResults)
        {
            // Deepgram computes UtteranceEnd from interim results.
            yield return new ValidationResult("UtteranceEndMs requires InterimResults.", [nameof(UtteranceEndMs), nameof(InterimResults)]);
        }
    }

    /// <summary>Every setting except <see cref="ApiKey"/>, which shows only whether it is set.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"Deepgram(ApiKey={(string.IsNullOrEmpty(ApiKey) ? "unset" : "set")}, BaseUrl={BaseUrl}, Model={Model}, Language={Language}, " +
        $"Endpointing={Endpointing}, UtteranceEndMs={UtteranceEndMs}, KeepAliveInterval={KeepAliveInterval}, ConnectTimeout={ConnectTimeout}, " +
        $"ConnectRetries={ConnectRetries}, ReconnectAttempts={ReconnectAttempts}, SpeakBaseUrl={SpeakBaseUrl}, SpeakModel={SpeakModel})");
}
