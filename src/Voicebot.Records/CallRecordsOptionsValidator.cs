using Microsoft.Extensions.Options;

namespace Voicebot.Records;

[OptionsValidator]
internal sealed partial class CallRecordsOptionsValidator : IValidateOptions<CallRecordsOptions>
{
}
