using System.Globalization;
using System.Text.Json;
using Voicebot.Abstractions.Calls;
using Voicebot.Conversation.Phrases;
using Voicebot.Conversation.Understanding;

namespace Voicebot.Conversation.Flows;

/// <summary>Turns a flow document into a <see cref="FlowDefinition"/>, rejecting anything the engine could trip on later.</summary>
internal sealed class FlowParser(PhraseCatalog phrases)
{
    private const string Digits = "0123456789";
    private const double MaxRecordingSeconds = 120;

    private static readonly string[] RootProperties = ["name", "description", "language", "initialState", "errorState", "humanRequest", "system", "states"];
    private static readonly string[] SystemProperties = ["silenceReprompt", "silenceGoodbye", "maxDurationGoodbye", "failure", "notUnderstood"];
    private static readonly string[] OptionProperties = ["dtmf", "intent", "value", "next"];
    private static readonly string[] BranchProperties = ["next", "value"];

    private string _flowName = "(unnamed)";

    public static bool IsFlowName(string? name) =>
        !string.IsNullOrEmpty(name) && IsLowerAsciiOrDigit(name[0]) && name.All(c => IsLowerAsciiOrDigit(c) || c is '-' or '_');

    public FlowDefinition Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Error(null, "the document must be a JSON object.");
        }

        if (root.TryGetProperty("name", out var nameElement) && nameElement.ValueKind == JsonValueKind.String)
        {
            _flowName = nameElement.GetString()!;
        }

        CheckProperties(root, RootProperties, null, "the flow");
        var name = RequiredString(root, "name", null);
        if (!IsFlowName(name))
        {
            throw Error(null, $"name '{name}' must use lower-case letters, digits, '-' and '_'.");
        }

        var language = RequiredString(root, "language", null);
        if (!string.Equals(language, phrases.Language, StringComparison.OrdinalIgnoreCase))
        {
            throw Error(null, $"language '{language}' does not match the '{phrases.Language}' phrase catalog.");
        }

        var states = ParseStates(root);
        var initial = RequiredString(root, "initialState", null);
        if (!states.ContainsKey(initial))
        {
            throw Error(null, $"initialState '{initial}' is not a state.");
        }

        var errorState = RequiredString(root, "errorState", null);
        if (!states.TryGetValue(errorState, out var error))
        {
            throw Error(null, $"errorState '{errorState}' is not a state.");
        }

        if (error.Kind != FlowStateKind.End)
        {
            throw Error(errorState, "the errorState must be an 'end' state.");
        }

        var human = OptionalString(root, "humanRequest", null);
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
            System = ParseSystem(root),
            States = states,
        };
        CheckTransitions(flow);
        CheckReachability(flow);
        return flow;
    }

    private Dictionary<string, FlowState> ParseStates(JsonElement root)
    {
        if (!root.TryGetProperty("states", out var statesElement))
        {
            throw Error(null, "'states' is missing.");
        }

        if (statesElement.ValueKind != JsonValueKind.Object)
        {
            throw Error(null, "'states' must be an object of states by name.");
        }

        var states = new Dictionary<string, FlowState>(StringComparer.Ordinal);
        foreach (var property in statesElement.EnumerateObject())
        {
            if (!IsStateName(property.Name))
            {
                throw Error(property.Name, "state names must be upper case (A-Z, 0-9, '_').");
            }

            if (states.ContainsKey(property.Name))
            {
                throw Error(property.Name, "the state is defined twice.");
            }

            states.Add(property.Name, ParseState(property.Name, property.Value));
        }

        if (states.Count == 0)
        {
            throw Error(null, "'states' is empty.");
        }

        return states;
    }

    private FlowState ParseState(string name, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error(name, "a state must be a JSON object.");
        }

        var expect = RequiredString(element, "expect", name);
        var (kind, allowed) = expect switch
        {
            "none" => (FlowStateKind.None, new[] { "next" }),
            "choice" => (FlowStateKind.Choice, ["options", "slot", "retryPrompts", "silenceRepromptSeconds", "silenceGiveUpSeconds"]),
            "phone" => (FlowStateKind.Phone, ["slot", "next", "retryPrompts", "confirmPrompts", "readBackDigits", "readBackSpoken", "silenceRepromptSeconds", "silenceGiveUpSeconds"]),
            "recording" => (FlowStateKind.Recording, ["slot", "next", "retryPrompts", "maxSeconds", "endSilenceSeconds"]),
            "check" => (FlowStateKind.Check, ["check", "slot", "onTrue", "onFalse"]),
            "end" => (FlowStateKind.End, ["outcome", "reason"]),
            _ => throw Error(name, $"expect '{expect}' is unknown (none, choice, phone, recording, check, end)."),
        };
        CheckProperties(element, ["expect", "prompts", "description", .. allowed], name, $"an '{expect}' state");

        var prompts = PhraseList(element, "prompts", name);
        var state = new FlowState
        {
            Name = name,
            Kind = kind,
            Prompts = prompts,
            RetryPrompts = PhraseList(element, "retryPrompts", name),
            Slot = Slot(element, name, required: kind is FlowStateKind.Phone or FlowStateKind.Recording),
            Next = kind is FlowStateKind.None or FlowStateKind.Phone or FlowStateKind.Recording ? RequiredString(element, "next", name) : null,
        };
        state = ParseSilence(state, element);

        return kind switch
        {
            FlowStateKind.None when prompts.Count == 0 => throw Error(name, "a 'none' state needs prompts (it moves on once they have played)."),
            FlowStateKind.Choice => state with { Options = ParseOptions(name, element) },
            FlowStateKind.Phone => ParsePhone(state, element),
            FlowStateKind.Recording => ParseRecording(state, element),
            FlowStateKind.Check => state with
            {
                Check = RequiredString(element, "check", name),
                OnTrue = ParseBranch(name, element, "onTrue"),
                OnFalse = ParseBranch(name, element, "onFalse"),
            },
            FlowStateKind.End => state with { Outcome = ParseOutcome(name, element), Reason = RequiredString(element, "reason", name) },
            _ => state,
        };
    }

    private List<FlowChoice> ParseOptions(string state, JsonElement element)
    {
        if (!element.TryGetProperty("options", out var options) || options.ValueKind != JsonValueKind.Array || options.GetArrayLength() == 0)
        {
            throw Error(state, "a 'choice' state needs a non-empty 'options' array.");
        }

        var choices = new List<FlowChoice>();
        var index = 0;
        foreach (var option in options.EnumerateArray())
        {
            index++;
            var where = $"option {index.ToString(CultureInfo.InvariantCulture)}";
            if (option.ValueKind != JsonValueKind.Object)
            {
                throw Error(state, $"{where} must be an object.");
            }

            CheckProperties(option, OptionProperties, state, where);
            var dtmf = ParseDtmf(state, where, option);
            var intent = ParseIntent(state, where, option);
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

            var value = OptionalString(option, "value", state) ?? (intent is { } i ? IntentName(i) : dtmf!.Value.ToString());
            choices.Add(new FlowChoice(dtmf, intent, value, RequiredString(option, "next", state, where)));
        }

        return choices;
    }

    private char? ParseDtmf(string state, string where, JsonElement option)
    {
        if (!option.TryGetProperty("dtmf", out var dtmf))
        {
            return null;
        }

        var text = dtmf.ValueKind switch
        {
            JsonValueKind.String => dtmf.GetString()!,
            JsonValueKind.Number => dtmf.GetRawText(),
            _ => string.Empty,
        };
        if (text.Length != 1 || !(Digits + "*#").Contains(text[0], StringComparison.Ordinal))
        {
            throw Error(state, $"{where} has DTMF key '{text}'; use one of 0-9, * or #.");
        }

        return text[0];
    }

    private Intent? ParseIntent(string state, string where, JsonElement option)
    {
        var text = OptionalString(option, "intent", state);
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

    private FlowState ParsePhone(FlowState state, JsonElement element)
    {
        var readBack = false;
        if (element.TryGetProperty("readBackDigits", out var readBackElement))
        {
            if (readBackElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw Error(state.Name, "'readBackDigits' must be true or false.");
            }

            readBack = readBackElement.GetBoolean();
        }

        if (readBack)
        {
            for (var digit = 0; digit <= 9; digit++)
            {
                CheckPhrase(state.Name, "readBackDigits", DigitPhrase((char)('0' + digit)));
            }
        }

        var spoken = false;
        if (element.TryGetProperty("readBackSpoken", out var spokenElement))
        {
            if (spokenElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw Error(state.Name, "'readBackSpoken' must be true or false.");
            }

            spoken = spokenElement.GetBoolean();
        }

        if (spoken && readBack)
        {
            throw Error(state.Name, "'readBackDigits' and 'readBackSpoken' are exclusive: choose one way to read the number back.");
        }

        return state with { ConfirmPrompts = PhraseList(element, "confirmPrompts", state.Name), ReadBackDigits = readBack, ReadBackSpoken = spoken };
    }

    private FlowState ParseRecording(FlowState state, JsonElement element)
    {
        var max = Seconds(element, "maxSeconds", state.Name);
        var silence = Seconds(element, "endSilenceSeconds", state.Name);
        if (silence >= max)
        {
            throw Error(state.Name, "'endSilenceSeconds' must be shorter than 'maxSeconds'.");
        }

        return state with { RecordingMaxDuration = TimeSpan.FromSeconds(max), RecordingEndSilence = TimeSpan.FromSeconds(silence) };
    }

    private FlowCheckBranch ParseBranch(string state, JsonElement element, string property)
    {
        if (!element.TryGetProperty(property, out var branch) || branch.ValueKind != JsonValueKind.Object)
        {
            throw Error(state, $"a 'check' state needs '{property}' ({{ \"next\": …, \"value\": … }}).");
        }

        CheckProperties(branch, BranchProperties, state, $"'{property}'");
        return new FlowCheckBranch(RequiredString(branch, "next", state, $"'{property}'"), OptionalString(branch, "value", state));
    }

    private CallOutcomeKind ParseOutcome(string state, JsonElement element)
    {
        var text = RequiredString(element, "outcome", state);
        foreach (var outcome in Enum.GetValues<CallOutcomeKind>())
        {
            if (string.Equals(outcome.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                return outcome;
            }
        }

        throw Error(state, $"outcome '{text}' is unknown ({string.Join(", ", Enum.GetNames<CallOutcomeKind>())}).");
    }

    private FlowSystemPhrases ParseSystem(JsonElement root)
    {
        if (!root.TryGetProperty("system", out var system) || system.ValueKind != JsonValueKind.Object)
        {
            throw Error(null, "'system' is missing (silenceReprompt, silenceGoodbye, maxDurationGoodbye, failure, notUnderstood).");
        }

        CheckProperties(system, SystemProperties, null, "'system'");
        string Key(string property)
        {
            var key = RequiredString(system, property, null, "'system'");
            CheckPhrase(null, $"system.{property}", key);
            return key;
        }

        return new FlowSystemPhrases(Key("silenceReprompt"), Key("silenceGoodbye"), Key("maxDurationGoodbye"), Key("failure"), Key("notUnderstood"));
    }

    private void CheckTransitions(FlowDefinition flow)
    {
        foreach (var state in flow.States.Values)
        {
            foreach (var (target, what) in Targets(state))
            {
                if (!flow.States.ContainsKey(target))
                {
                    throw Error(state.Name, $"{what} goes to unknown state '{target}'.");
                }
            }
        }
    }

    private void CheckReachability(FlowDefinition flow)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([flow.InitialState, flow.ErrorState]);
        if (flow.HumanRequestState is not null)
        {
            pending.Push(flow.HumanRequestState);
        }

        while (pending.TryPop(out var name))
        {
            if (reached.Add(name))
            {
                foreach (var (target, _) in Targets(flow.States[name]))
                {
                    pending.Push(target);
                }
            }
        }

        foreach (var name in flow.States.Keys)
        {
            if (!reached.Contains(name))
            {
                throw Error(name, $"the state cannot be reached from '{flow.InitialState}'.");
            }
        }
    }

    private static IEnumerable<(string Target, string What)> Targets(FlowState state)
    {
        if (state.Next is not null)
        {
            yield return (state.Next, "'next'");
        }

        for (var i = 0; i < state.Options.Count; i++)
        {
            yield return (state.Options[i].Next, $"option {(i + 1).ToString(CultureInfo.InvariantCulture)}");
        }

        if (state.OnTrue is not null)
        {
            yield return (state.OnTrue.Next, "'onTrue'");
        }

        if (state.OnFalse is not null)
        {
            yield return (state.OnFalse.Next, "'onFalse'");
        }
    }

    private List<string> PhraseList(JsonElement element, string property, string state)
    {
        var keys = new List<string>();
        if (!element.TryGetProperty(property, out var array))
        {
            return keys;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw Error(state, $"'{property}' must be an array of phrase keys.");
        }

        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw Error(state, $"'{property}' must hold phrase keys (strings).");
            }

            var key = item.GetString()!;
            CheckPhrase(state, property, key);
            keys.Add(key);
        }

        return keys;
    }

    private void CheckPhrase(string? state, string property, string key)
    {
        if (!phrases.Phrases.ContainsKey(key))
        {
            throw Error(state, $"{property} uses unknown phrase '{key}' (not in the '{phrases.Language}' catalog).");
        }
    }

    private string? Slot(JsonElement element, string state, bool required)
    {
        var slot = required ? RequiredString(element, "slot", state) : OptionalString(element, "slot", state);
        if (slot is not null && !(slot[0] is >= 'a' and <= 'z' && slot.All(c => IsLowerAsciiOrDigit(c) || c == '_')))
        {
            throw Error(state, $"slot '{slot}' must use lower-case letters, digits and '_'.");
        }

        return slot;
    }

    /// <summary>Optional per-state silence timeouts, e.g. a question asked while the caller restarts their box.</summary>
    private FlowState ParseSilence(FlowState state, JsonElement element)
    {
        var reprompt = OptionalSeconds(element, "silenceRepromptSeconds", state.Name);
        var giveUp = OptionalSeconds(element, "silenceGiveUpSeconds", state.Name);
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

    private double? OptionalSeconds(JsonElement element, string property, string state)
    {
        if (!element.TryGetProperty(property, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || value.GetDouble() is <= 0 or > 3600)
        {
            throw Error(state, $"'{property}' must be a number of seconds, more than 0 and at most 3600.");
        }

        return value.GetDouble();
    }

    private double Seconds(JsonElement element, string property, string state)
    {
        if (!element.TryGetProperty(property, out var value) || value.ValueKind != JsonValueKind.Number)
        {
            throw Error(state, $"a 'recording' state needs '{property}' (a number of seconds).");
        }

        var seconds = value.GetDouble();
        if (seconds is <= 0 or > MaxRecordingSeconds)
        {
            throw Error(state, $"'{property}' must be more than 0 and at most {MaxRecordingSeconds.ToString(CultureInfo.InvariantCulture)} seconds.");
        }

        return seconds;
    }

    private string RequiredString(JsonElement element, string property, string? state, string? where = null) =>
        OptionalString(element, property, state, where) ?? throw Error(state, $"{(where is null ? string.Empty : where + ": ")}'{property}' is missing.");

    private string? OptionalString(JsonElement element, string property, string? state, string? where = null)
    {
        if (!element.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw Error(state, $"{(where is null ? string.Empty : where + ": ")}'{property}' must be a non-empty string.");
        }

        return value.GetString();
    }

    private void CheckProperties(JsonElement element, string[] allowed, string? state, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                throw Error(state, $"{what} has '{property.Name}' twice.");
            }

            if (Array.IndexOf(allowed, property.Name) < 0)
            {
                throw Error(state, $"{what} does not take '{property.Name}' (allowed: {string.Join(", ", allowed)}).");
            }
        }
    }

    private InvalidDataException Error(string? state, string problem) =>
        new(state is null ? $"Flow '{_flowName}': {problem}" : $"Flow '{_flowName}', state '{state}': {problem}");

    internal static string IntentName(Intent intent) => intent.ToString().ToLowerInvariant();

    internal static string DigitPhrase(char digit) => "digit_" + digit;

    private static bool IsStateName(string name) =>
        name.Length > 0 && name[0] is >= 'A' and <= 'Z' && name.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_');

    private static bool IsLowerAsciiOrDigit(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
}
