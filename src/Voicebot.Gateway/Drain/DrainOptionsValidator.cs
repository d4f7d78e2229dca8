using Microsoft.Extensions.Options;

namespace Voicebot.Gateway.Drain;

[OptionsValidator]
internal sealed partial class DrainOptionsValidator : IValidateOptions<DrainOptions>
{
}
