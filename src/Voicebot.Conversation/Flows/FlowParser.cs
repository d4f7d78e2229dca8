using System.Globalization;
using System.Text.Json;
using Voicebot.Abstractions.Calls;
using Voicebot.Conversation.Flows.Json;
using Voicebot.Conversation.Phrases;
using Voicebot.Conversation.Understanding;

namespace Voicebot.Conversation.Flows;

/// <summary>
/// Turns a flow document into a <see cref="FlowDefinition"/>, rejecting anything the engine could trip on later.
/// <see cref="FlowJsonContext"/> reads the shape; this class checks the meaning: names, phrase keys, ranges, transitions.
/// </summary>
internal sealed class FlowParser(PhraseCatalog phrases)
{
    private const string DtmfKeys = "0123456789*#";
    private const double MaxRecordingSeconds = 120;
    private const double MaxSilenceSeconds = 3600;

    private string _flowName = "(unnamed)";

    public static bool IsFlowName(string? name) =>
        !string.IsNullOrEmpty(name) && IsLowerAsciiOrDigit(name[0]) && name.All(c => IsLowerAsciiOrDigit(c) || c is '-' or '_');

    public FlowDefinition Parse(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("name", out var nameElement) && nameElement.ValueKind == JsonValueKind.String)
        {
            _flowName = nameElement.GetString()!;
        }

        var document = Read(root);
        var name = Text(document.Name, "name", null);
        if (!IsFlowName(name))
        {
            throw Error(null, $"name '{name}' must use lower-case letters, digits, '-' and '_'.");
        }

        var language = Text(document.Language, "language", null);
        if (!string.Equals(language, phrases.Language, StringComparison.OrdinalIgnoreCase))
        {
            throw Error(null, $"language '{language}' does not match the '{phrases.Language}' phrase catalog.");
        }

        var states = ToStates(document.States);
        var initial = Text(document.InitialState, "initialState", null);
        if (!states.ContainsKey(initial))
        {
            throw Error(null, $"initialState '{initial}' is not a state.");
        }

        var errorState = Text(document.ErrorState, "errorState", null);
        if (!states.TryGetValue(errorState, out var error))
        {
            throw Error(null, $"errorState '{errorState}' is not a state.");
        }

        if (error.Kind != FlowStateKind.End)
        {
            throw Error(errorState, "the errorState must be an 'end' state.");
        }

        var human = document.HumanRequest is null ? null : Text(document.HumanRequest, "humanRequest", null);
        if (human is not null && !states.ContainsKey(human))
        {
            throw Error(null, $"humanRequest '{human}' is not a state.");
        }

        var flow = new FlowDefinition
        {
            Name = name,
            Language = language,
            InitialState = initial,
            ErrorState = errorState,
            HumanRequestState = human,
            System = ToSystem(document.System),
            States = states,
        };
        if (FlowGraph.FirstProblem(flow) is { } problem)
        {
            throw Error(problem.State, problem.Description);
        }

        return flow;
    }

    private FlowDocument Read(JsonElement root)
    {
        try
        {
            return root.Deserialize(FlowJsonContext.Default.FlowDocument) ?? throw Error(null, "the document must be a JSON object.");
        }
        catch (JsonException ex)
        {
            var problem = FlowJsonErrors.Explain(root, ex);
            throw Error(problem.State, problem.Description, ex);
        }
        catch (NotSupportedException ex)
        {
            var problem = FlowJsonErrors.ExplainMissingKind(root, ex);
            throw Error(problem.State, problem.Description, ex);
        }
    }

    private Dictionary<string, FlowState> ToStates(IReadOnlyDictionary<string, FlowStateDocument?> documents)
    {
        if (documents.Count == 0)
        {
            throw Error(null, "'states' is empty.");
        }

        var states = new Dictionary<string, FlowState>(StringComparer.Ordinal);
        foreach (var (name, document) in documents)
        {
            if (!IsStateName(name))
            {
                throw Error(name, "state names must be upper case (A-Z, 0-9, '_').");
            }

            states.Add(name, ToState(name, document ?? throw Error(name, "a state must be a JSON object.")));
        }

        return states;
    }

    private FlowState ToState(string name, FlowStateDocument document)
    {
        var state = new FlowState { Name = name, Kind = FlowStateKind.None, Prompts = PhraseList(document.Prompts, "prompts", name) };
        return document switch
        {
            NoneStateDocument none => state.Prompts.Count == 0
                ? throw Error(name, "a 'none' state needs prompts (it moves on once they have played).")
                : state with { Next = Text(none.Next, "next", name) },
            ChoiceStateDocument choice => WithSilence(state, choice.SilenceRepromptSeconds, choice.SilenceGiveUpSeconds) with
            {
                Kind = FlowStateKind.Choice,
                Slot = Slot(choice.Slot, name),
                RetryPrompts = PhraseList(choice.RetryPrompts, "retryPrompts", name),
                Options = ToOptions(name, choice.Options),
            },
            PhoneStateDocument phone => ToPhone(state, phone),
            RecordingStateDocument recording => ToRecording(state, recording),
            CheckStateDocument check => state with
            {
                Kind = FlowStateKind.Check,
                Slot = Slot(check.Slot, name),
                Check = Text(check.Check, "check", name),
                OnTrue = ToBranch(name, check.OnTrue, "onTrue"),
                OnFalse = ToBranch(name, check.OnFalse, "onFalse"),
            },
            EndStateDocument end => state with
            {
                Kind = FlowStateKind.End,
                Outcome = ToOutcome(name, end.Outcome),
                Reason = Text(end.Reason, "reason", name),
            },
            _ => throw new InvalidOperationException($"No mapping for {document.GetType().Name}."),
        };
    }

    private List<FlowChoice> ToOptions(string state, IReadOnlyList<FlowOptionDocument?> options)
    {
        if (options.Count == 0)
        {
            throw Error(state, "a 'choice' state needs a non-empty 'options' array.");
        }

        var choices = new List<FlowChoice>();
        for (var index = 0; index < options.Count; index++)
        {
            var where = $"option {(index + 1).ToString(CultureInfo.InvariantCulture)}";
            var option = options[index] ?? throw Error(state, $"{where} must be an object.");
            var dtmf = ToDtmf(state, where, option.Dtmf);
            var intent = ToIntent(state, where, option.Intent);
            if (dtmf is null && intent is null)
            {
                throw Error(state, $"{where} needs a 'dtmf' key or an 'intent'.");
            }

            if (dtmf is not null && choices.Exists(c => c.Dtmf == dtmf))
            {
                throw Error(state, $"{where} reuses DTMF key '{dtmf}'.");
            }

            if (intent is not null && choices.Exists(c => c.Intent == intent))
            {
                throw Error(state, $"{where} reuses intent '{IntentName(intent.Value)}'.");
            }

            var value = option.Value is null ? intent is { } i ? IntentName(i) : dtmf!.Value.ToString() : Text(option.Value, "value", state, where);
            choices.Add(new FlowChoice(dtmf, intent, value, Text(option.Next, "next", state, where)));
        }

        return choices;
    }

    private char? ToDtmf(string state, string where, string? key)
    {
        if (key is null)
        {
            return null;
        }

        if (key.Length != 1 || !DtmfKeys.Contains(key[0], StringComparison.Ordinal))
        {
            throw Error(state, $"{where} has DTMF key '{key}'; use one of 0-9, * or #.");
        }

        return key[0];
    }

    private Intent? ToIntent(string state, string where, string? text)
    {
        if (text is null)
        {
            return null;
        }

        foreach (var intent in Enum.GetValues<Intent>())
        {
            if (intent != Intent.None && string.Equals(IntentName(intent), text, StringComparison.Ordinal))
            {
                return intent;
            }
        }

        throw Error(state, $"{where} has unknown intent '{text}' (internet, mobile, yes, no, human).");
    }

    private FlowState ToPhone(FlowState state, PhoneStateDocument phone)
    {
        if (phone.ReadBackDigits)
        {
            for (var digit = '0'; digit <= '9'; digit++)
            {
                CheckPhrase(state.Name, "readBackDigits", DigitPhrase(digit));
            }
        }

        if (phone.ReadBackSpoken && phone.ReadBackDigits)
        {
            throw Error(state.Name, "'readBackDigits' and 'readBackSpoken' are exclusive: choose one way to read the number back.");
        }

        return WithSilence(state, phone.SilenceRepromptSeconds, phone.SilenceGiveUpSeconds) with
        {
            Kind = FlowStateKind.Phone,
            Slot = Slot(phone.Slot, state.Name),
            Next = Text(phone.Next, "next", state.Name),
            RetryPrompts = PhraseList(phone.RetryPrompts, "retryPrompts", state.Name),
            ConfirmPrompts = PhraseList(phone.ConfirmPrompts, "confirmPrompts", state.Name),
            ReadBackDigits = phone.ReadBackDigits,
            ReadBackSpoken = phone.ReadBackSpoken,
        };
    }

    private FlowState ToRecording(FlowState state, RecordingStateDocument recording)
    {
        var max = RecordingSeconds(recording.MaxSeconds, "maxSeconds", state.Name);
        var silence = RecordingSeconds(recording.EndSilenceSeconds, "endSilenceSeconds", state.Name);
        if (silence >= max)
        {
            throw Error(state.Name, "'endSilenceSeconds' must be shorter than 'maxSeconds'.");
        }

        return state with
        {
            Kind = FlowStateKind.Recording,
            Slot = Slot(recording.Slot, state.Name),
            Next = Text(recording.Next, "next", state.Name),
            RetryPrompts = PhraseList(recording.RetryPrompts, "retryPrompts", state.Name),
            RecordingMaxDuration = TimeSpan.FromSeconds(max),
            RecordingEndSilence = TimeSpan.FromSeconds(silence),
        };
    }

    private FlowCheckBranch ToBranch(string state, FlowBranchDocument branch, string property)
    {
        var where = $"'{property}'";
        return new FlowCheckBranch(Text(branch.Next, "next", state, where), branch.Value is null ? null : Text(branch.Value, "value", state, where));
    }

    private CallOutcomeKind ToOutcome(string state, string text)
    {
        foreach (var outcome in Enum.GetValues<CallOutcomeKind>())
        {
            if (string.Equals(outcome.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                return outcome;
            }
        }

        throw Error(state, $"outcome '{text}' is unknown ({string.Join(", ", Enum.GetNames<CallOutcomeKind>())}).");
    }

    private FlowSystemPhrases ToSystem(FlowSystemDocument system)
    {
        string Key(string key, string property)
        {
            Text(key, property, null, "'system'");
            CheckPhrase(null, $"system.{property}", key);
            return key;
        }

        return new FlowSystemPhrases(
            Key(system.SilenceReprompt, "silenceReprompt"),
            Key(system.SilenceGoodbye, "silenceGoodbye"),
            Key(system.MaxDurationGoodbye, "maxDurationGoodbye"),
            Key(system.Failure, "failure"),
            Key(system.NotUnderstood, "notUnderstood"));
    }

    private List<string> PhraseList(IReadOnlyList<string?> keys, string property, string state)
    {
        var checkedKeys = new List<string>(keys.Count);
        foreach (var key in keys)
        {
            if (key is null)
            {
                throw Error(state, $"'{property}' must hold phrase keys (strings).");
            }

            CheckPhrase(state, property, key);
            checkedKeys.Add(key);
        }

        return checkedKeys;
    }

    private void CheckPhrase(string? state, string property, string key)
    {
        if (!phrases.Phrases.ContainsKey(key))
        {
            throw Error(state, $"{property} uses unknown phrase '{key}' (not in the '{phrases.Language}' catalog).");
        }
    }

    private string? Slot(string? slot, string state)
    {
        if (slot is not null && !(slot.Length > 0 && slot[0] is >= 'a' and <= 'z' && slot.All(c => IsLowerAsciiOrDigit(c) || c == '_')))
        {
            throw Error(state, $"slot '{slot}' must use lower-case letters, digits and '_'.");
        }

        return slot;
    }

    /// <summary>Optional per-state silence timeouts, e.g. a question asked while the caller restarts their box.</summary>
    private FlowState WithSilence(FlowState state, double? reprompt, double? giveUp)
    {
        CheckSilenceSeconds(reprompt, "silenceRepromptSeconds", state.Name);
        CheckSilenceSeconds(giveUp, "silenceGiveUpSeconds", state.Name);
        if ((reprompt is null) != (giveUp is null))
        {
            throw Error(state.Name, "'silenceRepromptSeconds' and 'silenceGiveUpSeconds' go together.");
        }

        if (reprompt >= giveUp)
        {
            throw Error(state.Name, "'silenceRepromptSeconds' must be shorter than 'silenceGiveUpSeconds'.");
        }

        return reprompt is null ? state : state with { SilenceReprompt = TimeSpan.FromSeconds(reprompt.Value), SilenceGiveUp = TimeSpan.FromSeconds(giveUp!.Value) };
    }

    private void CheckSilenceSeconds(double? seconds, string property, string state)
    {
        if (seconds is <= 0 or > MaxSilenceSeconds)
        {
            throw Error(state, $"'{property}' must be a number of seconds, more than 0 and at most {MaxSilenceSeconds.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    private double RecordingSeconds(double seconds, string property, string state) =>
        seconds is <= 0 or > MaxRecordingSeconds
            ? throw Error(state, $"'{property}' must be more than 0 and at most {MaxRecordingSeconds.ToString(CultureInfo.InvariantCulture)} seconds.")
            : seconds;

    /// <summary>The contract has the member's type; a name, a state or a transition also has to say something.</summary>
    private string Text(string value, string property, string? state, string? where = null) =>
        string.IsNullOrWhiteSpace(value)
            ? throw Error(state, $"{(where is null ? string.Empty : where + ": ")}'{property}' must be a non-empty string.")
            : value;

    private InvalidDataException Error(string? state, string problem, Exception? inner = null) =>
        new(state is null ? $"Flow '{_flowName}': {problem}" : $"Flow '{_flowName}', state '{state}': {problem}", inner);

    internal static string IntentName(Intent intent) => intent.ToString().ToLowerInvariant();

    internal static string DigitPhrase(char digit) => "digit_" + digit;

    private static bool IsStateName(string name) =>
        name.Length > 0 && name[0] is >= 'A' and <= 'Z' && name.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_');

    private static bool IsLowerAsciiOrDigit(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
}
