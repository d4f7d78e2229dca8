using Microsoft.Extensions.Options;

namespace Voicebot.Gateway.BargeIn;

[OptionsValidator]
internal sealed partial class BargeInOptionsValidator : IValidateOptions<BargeInOptions>
{
}
