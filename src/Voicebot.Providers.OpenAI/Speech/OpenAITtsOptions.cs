using System.ComponentModel.DataAnnotations;

namespace Voicebot.Providers.OpenAI.Speech;

/// <summary>Settings of OpenAI text to speech (section <c>OpenAITts</c>), <c>POST {Endpoint}/audio/speech</c> with raw PCM output.</summary>
public sealed class OpenAITtsOptions : IValidatableObject
{
    public const string SectionName = "OpenAITts";

    /// <summary>Base URL of the API, including <c>/v1</c>. Default <c>https://api.openai.com/v1</c>.</summary>
    [Required]
    public string Endpoint { get; set; } = "https://api.openai.com/v1";

    /// <summary>
    /// Bearer key. A secret: set <c>OpenAITts__ApiKey</c> (environment or <c>.env</c>); when unset, <c>OPENAI_API_KEY</c>
    /// is used. Never logged. Without a key every synthesis fails with
    /// <see cref="Abstractions.ProviderUnavailableException"/> and the call falls back to the embedded voice.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Model: <c>tts-1</c>, <c>tts-1-hd</c>, <c>gpt-4o-mini-tts</c>… Default <c>tts-1</c>.</summary>
    [Required]
    public string Model { get; set; } = "tts-1";

    /// <summary>Voice: <c>alloy</c>, <c>nova</c>, <c>shimmer</c>, <c>coral</c>… Default <c>nova</c>.</summary>
    [Required]
    [RegularExpression("^[a-z0-9_-]+$")]
    public string Voice { get; set; } = "nova";

    /// <summary>Speaking speed ratio, 0.25–4.0. Default 1.0.</summary>
    [Range(0.25, 4.0)]
    public double Speed { get; set; } = 1.0;

    /// <summary>
    /// Longest wait for the first audio bytes after sending the request, and then for each further read of the body.
    /// Default 2 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan FirstByteTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Retries of a request that failed before any audio came back (connection refused, 429, 5xx, first-byte
    /// timeout), 0–3. Never retried once audio has been yielded. Default 1.
    /// </summary>
    [Range(0, 3)]
    public int MaxRetries { get; set; } = 1;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ValidationResult("Endpoint must be an absolute http or https URI.", [nameof(Endpoint)]);
        }
    }
}
