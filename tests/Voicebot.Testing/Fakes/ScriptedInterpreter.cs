using Voicebot.Abstractions;
using Voicebot.Conversation.Understanding;

namespace Voicebot.Testing.Fakes;

/// <summary>
/// A stand-in language model: <c>llm-fail</c> in the transcript makes it fail, <c>llm-mobile</c> / <c>llm-internet</c>
/// / <c>llm-yes</c> / <c>llm-no</c> name the intent it "understood"; anything else it does not understand (the rules answer).
/// </summary>
public sealed class ScriptedInterpreter : IUtteranceInterpreter
{
    private int _calls;

    public string Name => "llm";

    public int Calls => Volatile.Read(ref _calls);

    public ValueTask<Interpretation> InterpretAsync(string transcript, InterpretationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        Interlocked.Increment(ref _calls);
        if (transcript.Contains("llm-fail", StringComparison.Ordinal))
        {
            throw new ProviderUnavailableException("llm", ProviderFailure.HttpStatus, "HTTP 500 from the model");
        }

        foreach (var intent in new[] { Intent.Mobile, Intent.Internet, Intent.Yes, Intent.No })
        {
            if (transcript.Contains("llm-" + intent.ToString().ToLowerInvariant(), StringComparison.Ordinal))
            {
                return ValueTask.FromResult(new Interpretation([intent], null, null, null));
            }
        }

        return ValueTask.FromResult(Interpretation.Empty);
    }
}
