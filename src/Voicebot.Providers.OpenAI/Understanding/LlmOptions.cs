using System.ComponentModel.DataAnnotations;

namespace Voicebot.Providers.OpenAI.Understanding;

/// <summary>
/// Settings of the language model that refines the rules (section <c>Llm</c>): any OpenAI-compatible chat completions
/// endpoint (Groq by default, OpenAI, a local llama.cpp or Ollama). Disabled by default: the rules work with no keys.
/// </summary>
public sealed class LlmOptions : IValidatableObject
{
    public const string SectionName = "Llm";

    /// <summary>Whether the host asks the model at all. Default <see langword="false"/>: rules only.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Base URL of the OpenAI-compatible API, including the version segment; the SDK appends <c>/chat/completions</c>.
    /// Default <c>https://api.groq.com/openai/v1</c> (OpenAI itself: <c>https://api.openai.com/v1</c>).
    /// </summary>
    [Required]
    public string Endpoint { get; set; } = "https://api.groq.com/openai/v1";

    /// <summary>
    /// Model id. Default <c>openai/gpt-oss-120b</c>. Groq retires models often: <c>llama-3.1-70b-versatile</c> and then
    /// <c>llama-3.3-70b-versatile</c> were decommissioned (requests fail with 400 <c>model_decommissioned</c> or 404
    /// <c>model_not_found</c>, surfaced in <see cref="Abstractions.ProviderUnavailableException"/>'s message), and
    /// <c>openai/gpt-oss-120b</c> is the recommended replacement. Check https://console.groq.com/docs/deprecations.
    /// </summary>
    [Required]
    public string Model { get; set; } = "openai/gpt-oss-120b";

    /// <summary>Bearer key of the endpoint. A secret: set it with the <c>Llm__ApiKey</c> environment variable or <c>.env</c>, never in appsettings.json; it is never logged. Required when <see cref="Enabled"/>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Sampling temperature, 0–2. Default 0 (extraction, not creativity; Groq sends 0 as 1e-8).</summary>
    [Range(0.0, 2.0)]
    public float Temperature { get; set; }

    /// <summary>Most tokens the model may produce per turn, reasoning included on reasoning models. Default 200.</summary>
    [Range(1, 8192)]
    public int MaxOutputTokens { get; set; } = 200;

    /// <summary>
    /// <c>reasoning_effort</c> sent to reasoning models: <c>low</c>, <c>medium</c> or <c>high</c>
    /// (<c>openai/gpt-oss-120b</c> accepts only these three), or <see langword="null"/> to send none. Default <c>low</c>.
    /// </summary>
    [RegularExpression("^(low|medium|high)$")]
    public string? ReasoningEffort { get; set; } = "low";

    /// <summary>Longest wait for the first streamed update after sending the request. Default 1.5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan FirstTokenTimeout { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Longest wait for the whole response, from sending the request. Default 3 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Directory of the per-state system prompts, <c>{language}/{STATE}.md</c> with <c>{language}/default.md</c> as the
    /// fallback. A relative path starts at the host's content root. Default <c>assets/prompts</c>.
    /// </summary>
    [Required]
    public string PromptsDirectory { get; set; } = "assets/prompts";

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ValidationResult("Endpoint must be an absolute http or https URI.", [nameof(Endpoint)]);
        }

        if (Enabled && string.IsNullOrWhiteSpace(ApiKey))
        {
            yield return new ValidationResult("ApiKey is required when Enabled (set Llm__ApiKey in the environment or .env).", [nameof(ApiKey)]);
        }

        if (FirstTokenTimeout > Timeout)
        {
            yield return new ValidationResult("FirstTokenTimeout cannot exceed Timeout.", [nameof(FirstTokenTimeout), nameof(Timeout)]);
        }
    }
}
