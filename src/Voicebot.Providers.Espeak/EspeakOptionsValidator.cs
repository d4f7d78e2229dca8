using Microsoft.Extensions.Options;

namespace Voicebot.Providers.Espeak;

[OptionsValidator]
internal sealed partial class EspeakOptionsValidator : IValidateOptions<EspeakOptions>
{
}
