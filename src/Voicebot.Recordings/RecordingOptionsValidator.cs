using Microsoft.Extensions.Options;

namespace Voicebot.Recordings;

[OptionsValidator]
internal sealed partial class RecordingOptionsValidator : IValidateOptions<RecordingOptions>
{
}
