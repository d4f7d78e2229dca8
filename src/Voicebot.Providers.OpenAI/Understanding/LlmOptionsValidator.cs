using Microsoft.Extensions.Options;

namespace Voicebot.Providers.OpenAI.Understanding;

/// <summary>DataAnnotations plus <see cref="LlmOptions.Validate"/> (endpoint scheme, key when enabled, timeout order).</summary>
[OptionsValidator]
internal sealed partial class LlmOptionsValidator : IValidateOptions<LlmOptions>
{
}
