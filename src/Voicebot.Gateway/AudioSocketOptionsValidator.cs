using Microsoft.Extensions.Options;

namespace Voicebot.Gateway;

[OptionsValidator]
internal sealed partial class AudioSocketOptionsValidator : IValidateOptions<AudioSocketOptions>
{
}
