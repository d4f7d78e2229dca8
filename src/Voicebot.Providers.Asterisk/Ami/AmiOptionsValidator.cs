using Microsoft.Extensions.Options;

namespace Voicebot.Providers.Asterisk.Ami;

/// <summary>DataAnnotations on <see cref="AmiOptions"/> plus its <c>IValidatableObject</c> checks.</summary>
[OptionsValidator]
internal sealed partial class AmiOptionsValidator : IValidateOptions<AmiOptions>
{
}
