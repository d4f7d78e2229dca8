using Microsoft.Extensions.Options;

namespace Voicebot.Providers.Deepgram;

[OptionsValidator]
internal sealed partial class DeepgramOptionsValidator : IValidateOptions<DeepgramOptions>
{
}
