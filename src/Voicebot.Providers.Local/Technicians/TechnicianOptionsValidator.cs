using Microsoft.Extensions.Options;

namespace Voicebot.Providers.Local.Technicians;

/// <summary>DataAnnotations on <see cref="TechnicianOptions"/> and its ranges, plus their <c>IValidatableObject</c> checks.</summary>
[OptionsValidator]
internal sealed partial class TechnicianOptionsValidator : IValidateOptions<TechnicianOptions>
{
}
