using Microsoft.Extensions.Options;

namespace Voicebot.Providers.OpenAI.Speech;

/// <summary>DataAnnotations plus <see cref="OpenAITtsOptions.Validate"/> (endpoint scheme).</summary>
[OptionsValidator]
internal sealed partial class OpenAITtsOptionsValidator : IValidateOptions<OpenAITtsOptions>
{
}
