using Microsoft.Extensions.Options;
using Voicebot.Conversation.Understanding;

namespace Voicebot.Grains.Calls;

/// <summary>
/// The interpreters a call uses: the preferred one (a language model, when configured) under a time limit, and the
/// rules, which always answer. A failure of the preferred one is reported with the result, so the call can count it.
/// </summary>
public sealed class UtteranceInterpreters(IOptions<SpeechOptions> options, IUtteranceInterpreter? preferred = null)
{
    private readonly RuleBasedInterpreter _rules = new();

    /// <summary>Whether a language model refines the rules.</summary>
    public bool HasModel => preferred is not null;

    public async Task<InterpretedUtterance> InterpretAsync(int turn, string transcript, InterpretationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? failure = null;
        TimeSpan? firstToken = null;
        if (preferred is not null)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(options.Value.InterpretationTimeout);
            try
            {
                var meaning = await preferred.InterpretAsync(transcript, context, limit.Token);
                firstToken = meaning.FirstToken;
                if (meaning.Intents.Count > 0 || meaning.PhoneNumber is not null || meaning.Name is not null)
                {
                    return ToMessage(turn, transcript, meaning, preferred.Name, null);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failure = $"{preferred.Name} timed out after {options.Value.InterpretationTimeout.TotalMilliseconds:0} ms";
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failure = $"{preferred.Name}: {ex.Message}";
            }
        }

        var rules = await _rules.InterpretAsync(transcript, context, cancellationToken);
        return ToMessage(turn, transcript, rules with { FirstToken = firstToken }, _rules.Name, failure);
    }

    public static Interpretation FromMessage(InterpretedUtterance utterance)
    {
        ArgumentNullException.ThrowIfNull(utterance);
        var intents = new List<Intent>();
        foreach (var name in utterance.Intents)
        {
            if (Enum.TryParse<Intent>(name, out var intent))
            {
                intents.Add(intent);
            }
        }

        return new Interpretation(intents, utterance.PhoneNumber, utterance.Name, null);
    }

    private static InterpretedUtterance ToMessage(int turn, string transcript, Interpretation meaning, string interpreter, string? failure) =>
        new(turn, transcript, meaning.Intents.Select(i => i.ToString()).ToArray(), meaning.PhoneNumber, meaning.Name, interpreter, failure, meaning.FirstToken);
}
