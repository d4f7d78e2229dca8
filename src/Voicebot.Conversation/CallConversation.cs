using System.Collections.ObjectModel;
using System.Text;
using Voicebot.Abstractions.Calls;
using Voicebot.Conversation.Flows;
using Voicebot.Conversation.Understanding;

namespace Voicebot.Conversation;

/// <summary>
/// The state machine of one call, interpreting a <see cref="FlowDefinition"/>. Pure and deterministic: every
/// event is a method call, every effect is a returned <see cref="ConversationAction"/>. Not thread-safe
/// (the CallGrain runs it one turn at a time).
/// </summary>
/// <remarks>
/// Events that do not apply to the current state (a DTMF key while the welcome plays, a check result nobody asked
/// for, anything before <see cref="Start"/> or after the end) return an empty list. Silence, the time limit, a
/// hang-up and a failure end the call from any state without entering another one, so <see cref="CurrentState"/>
/// still tells where the call stopped.
/// </remarks>
public sealed class CallConversation
{
    /// <summary>Digits kept while a phone number is typed; more cannot make a valid number.</summary>
    private const int MaxPendingDigits = 20;

    private static readonly IReadOnlyList<ConversationAction> NoActions = [];

    private readonly FlowDefinition _flow;
    private readonly int _maxRetries;
    private readonly List<string> _visited = [];
    private readonly ReadOnlyCollection<string> _visitedView;
    private readonly Dictionary<string, string> _slots = new(StringComparer.Ordinal);
    private readonly ReadOnlyDictionary<string, string> _slotsView;
    private readonly StringBuilder _digits = new();
    private FlowState? _state;
    private int _failures;

    /// <exception cref="ArgumentException">The flow's initial or error state is missing (use <see cref="FlowLoader"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ConversationOptions.MaxRetries"/> is negative.</exception>
    public CallConversation(FlowDefinition flow, ConversationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var maxRetries = (options ?? new ConversationOptions()).MaxRetries;
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries, nameof(options));
        if (!flow.States.ContainsKey(flow.InitialState) || !flow.States.ContainsKey(flow.ErrorState))
        {
            throw new ArgumentException($"Flow '{flow.Name}' lacks its initial state '{flow.InitialState}' or error state '{flow.ErrorState}'.", nameof(flow));
        }

        _flow = flow;
        _maxRetries = maxRetries;
        _visitedView = _visited.AsReadOnly();
        _slotsView = _slots.AsReadOnly();
    }

    /// <summary>The state the conversation is in (e.g. <c>DIAGNOSTIC</c>).</summary>
    /// <value>Empty before <see cref="Start"/>.</value>
    public string CurrentState => _state?.Name ?? string.Empty;

    /// <summary>The states entered so far, in order, including the current one.</summary>
    public IReadOnlyList<string> VisitedStates => _visitedView;

    /// <summary>Collected values: <c>phone</c> (normalised digits), <c>problem</c> (<c>internet</c>/<c>mobile</c>), <c>name_clip</c>, …</summary>
    /// <remarks>Also <c>name</c> when the caller says their name during a recording and the transcript reaches <see cref="OnUtterance(string)"/>.</remarks>
    public IReadOnlyDictionary<string, string> Slots => _slotsView;

    /// <summary>What the current state waits for, or <see langword="null"/> while it waits for nothing.</summary>
    public ExpectedInput? Expecting => IsEnded || _state is null
        ? null
        : _state.Kind switch
        {
            FlowStateKind.Choice => ExpectedInput.Choice,
            FlowStateKind.Phone => ExpectedInput.PhoneNumber,
            FlowStateKind.Recording => ExpectedInput.Recording,
            _ => null,
        };

    /// <summary>True once an <see cref="EndCall"/> action has been returned; later events return no action.</summary>
    public bool IsEnded { get; private set; }

    public CallOutcomeKind? Outcome { get; private set; }

    public string? EndReason { get; private set; }

    /// <summary>Digits typed in a phone state and not yet submitted with #.</summary>
    public string PendingDigits => _digits.ToString();

    /// <summary>Enters the flow's initial state.</summary>
    /// <exception cref="InvalidOperationException">The conversation has already started or ended.</exception>
    public IReadOnlyList<ConversationAction> Start()
    {
        if (_state is not null || IsEnded)
        {
            throw new InvalidOperationException("The conversation has already started.");
        }

        var actions = new List<ConversationAction>();
        Enter(_flow.InitialState, actions);
        return actions;
    }

    /// <summary>The bot finished playing everything it was asked to say.</summary>
    public IReadOnlyList<ConversationAction> OnPromptsPlayed()
    {
        if (!IsWaitingFor(FlowStateKind.None, out var state))
        {
            return NoActions;
        }

        var actions = new List<ConversationAction>();
        Enter(state.Next!, actions);
        return actions;
    }

    /// <summary>A DTMF digit.</summary>
    public IReadOnlyList<ConversationAction> OnDtmf(char digit)
    {
        if (IsWaitingFor(FlowStateKind.Choice, out var state))
        {
            foreach (var option in state.Options)
            {
                if (option.Dtmf == digit)
                {
                    return Select(state, option);
                }
            }

            return Fail();
        }

        if (!IsWaitingFor(FlowStateKind.Phone, out _))
        {
            return NoActions;
        }

        switch (digit)
        {
            case >= '0' and <= '9':
                if (_digits.Length < MaxPendingDigits)
                {
                    _digits.Append(digit);
                }

                return NoActions;
            case '*':
                _digits.Clear();
                return NoActions;
            case '#':
                return SubmitDigits();
            default:
                return NoActions;
        }
    }

    /// <summary>A transcript of what the caller said (rule-based French understanding).</summary>
    public IReadOnlyList<ConversationAction> OnUtterance(string transcript) =>
        OnUtterance(transcript, string.IsNullOrWhiteSpace(transcript) ? Interpretation.Empty : FrenchUnderstanding.Interpret(transcript));

    /// <summary>
    /// A transcript already interpreted (by a language model, or by the rules). The flow still decides: the
    /// interpretation only says what the caller meant.
    /// </summary>
    public IReadOnlyList<ConversationAction> OnUtterance(string transcript, Interpretation meaning)
    {
        ArgumentNullException.ThrowIfNull(meaning);
        if (_state is null || IsEnded)
        {
            return NoActions;
        }

        if (string.IsNullOrWhiteSpace(transcript))
        {
            return OnUnintelligibleSpeech();
        }

        switch (_state.Kind)
        {
            case FlowStateKind.Choice:
                return Choose(_state, meaning);
            case FlowStateKind.Phone:
                return HearPhoneNumber(transcript, meaning);
            case FlowStateKind.Recording when meaning.Name is not null:
                // The recording is what the callback uses; the transcript is a bonus for logs and screens.
                _slots["name"] = meaning.Name;
                return NoActions;
            default:
                return NoActions;
        }
    }

    /// <summary>The caller spoke but there is nothing to understand it with (no recognizer, or an empty transcript).</summary>
    public IReadOnlyList<ConversationAction> OnUnintelligibleSpeech() =>
        IsWaitingFor(FlowStateKind.Choice, out _) || IsWaitingFor(FlowStateKind.Phone, out _) ? Fail() : NoActions;

    /// <summary>A recording asked by <see cref="StartRecording"/> ended; <paramref name="clipReference"/> is null when nothing was said.</summary>
    public IReadOnlyList<ConversationAction> OnRecordingCompleted(string? clipReference)
    {
        if (!IsWaitingFor(FlowStateKind.Recording, out var state))
        {
            return NoActions;
        }

        if (string.IsNullOrWhiteSpace(clipReference))
        {
            return Fail();
        }

        _slots[state.Slot!] = clipReference;
        var actions = new List<ConversationAction>();
        Enter(state.Next!, actions);
        return actions;
    }

    /// <summary>The result of a <see cref="RunCheck"/>.</summary>
    public IReadOnlyList<ConversationAction> OnCheckResult(string check, bool result)
    {
        if (!IsWaitingFor(FlowStateKind.Check, out var state) || !string.Equals(check, state.Check, StringComparison.Ordinal))
        {
            return NoActions;
        }

        var branch = result ? state.OnTrue! : state.OnFalse!;
        if (state.Slot is not null && branch.Value is not null)
        {
            _slots[state.Slot] = branch.Value;
        }

        var actions = new List<ConversationAction>();
        Enter(branch.Next, actions);
        return actions;
    }

    /// <summary>The caller has been silent since the bot stopped speaking: 8 s (<see cref="SilenceLevel.Reprompt"/>) then 15 s (<see cref="SilenceLevel.GiveUp"/>).</summary>
    /// <remarks>
    /// A reprompt does not count as a failed answer. In a phone state with digits typed but no #, the first timeout
    /// submits them instead (inter-digit timeout).
    /// </remarks>
    public IReadOnlyList<ConversationAction> OnSilence(SilenceLevel level)
    {
        if (_state is null || IsEnded)
        {
            return NoActions;
        }

        if (level == SilenceLevel.GiveUp)
        {
            return Finish(_flow.System.SilenceGoodbye, CallOutcomeKind.Abandoned, "silence");
        }

        if (_state.Kind == FlowStateKind.Phone && _digits.Length > 0)
        {
            return SubmitDigits();
        }

        return [new SayPhrases([_flow.System.SilenceReprompt])];
    }

    /// <summary>The call reached its maximum duration.</summary>
    public IReadOnlyList<ConversationAction> OnMaxDuration() =>
        IsEnded ? NoActions : Finish(_flow.System.MaxDurationGoodbye, CallOutcomeKind.Error, "max-duration");

    /// <summary>The caller hung up; the conversation ends as abandoned (unless already ended).</summary>
    public IReadOnlyList<ConversationAction> OnCallerHangup()
    {
        if (IsEnded)
        {
            return NoActions;
        }

        var actions = new List<ConversationAction>();
        End(CallOutcomeKind.Abandoned, "caller-hung-up", actions);
        return actions;
    }

    /// <summary>Something failed that the call cannot go on without; apologise and end with outcome error.</summary>
    /// <param name="reason">Short, stable cause for the dialplan and logs (e.g. <c>tts-unavailable</c>); blank gives <c>failure</c>.</param>
    public IReadOnlyList<ConversationAction> OnFailure(string reason) =>
        IsEnded ? NoActions : Finish(_flow.System.Failure, CallOutcomeKind.Error, string.IsNullOrWhiteSpace(reason) ? "failure" : reason);

    private bool IsWaitingFor(FlowStateKind kind, out FlowState state)
    {
        state = _state!;
        return _state is not null && !IsEnded && _state.Kind == kind;
    }

    private List<ConversationAction> Choose(FlowState state, Interpretation meaning)
    {
        FlowChoice? chosen = null;
        var matches = 0;
        foreach (var option in state.Options)
        {
            if (option.Intent is { } intent && meaning.Has(intent))
            {
                chosen = option;
                matches++;
            }
        }

        if (matches == 1)
        {
            return Select(state, chosen!);
        }

        if (matches == 0 && meaning.Key is { } key)
        {
            foreach (var option in state.Options)
            {
                if (option.Dtmf == key)
                {
                    return Select(state, option);
                }
            }
        }

        if (matches == 0 && meaning.Has(Intent.Human) && _flow.HumanRequestState is { } human)
        {
            var actions = new List<ConversationAction>();
            Enter(human, actions);
            return actions;
        }

        return Fail();
    }

    private List<ConversationAction> Select(FlowState state, FlowChoice option)
    {
        if (state.Slot is not null)
        {
            _slots[state.Slot] = option.Value;
        }

        var actions = new List<ConversationAction>();
        Enter(option.Next, actions);
        return actions;
    }

    private IReadOnlyList<ConversationAction> HearPhoneNumber(string transcript, Interpretation meaning)
    {
        // Callers often say the number in pieces ("zéro six… douze trente-quatre…"): spoken digits add up like keys.
        var spoken = FrenchNumberWords.ExtractDigits(transcript);
        var pending = _digits.ToString() + spoken;
        if (FrenchPhoneNumbers.TryNormalizeDigits(pending, out var phone))
        {
            return AcceptPhone(phone);
        }

        if (meaning.PhoneNumber is { } heard)
        {
            return AcceptPhone(heard);
        }

        if (spoken.Length > 0 && FrenchPhoneNumbers.IsPlausiblePrefix(pending) && pending.Length <= MaxPendingDigits)
        {
            _digits.Clear().Append(pending);
            return NoActions;
        }

        return Fail();
    }

    private List<ConversationAction> SubmitDigits()
    {
        var digits = _digits.ToString();
        _digits.Clear();
        return FrenchPhoneNumbers.TryNormalizeDigits(digits, out var phone) ? AcceptPhone(phone) : Fail();
    }

    private List<ConversationAction> AcceptPhone(string phone)
    {
        var state = _state!;
        _slots[state.Slot!] = phone;
        var actions = new List<ConversationAction>();
        var readBack = new List<string>(state.ConfirmPrompts);
        if (state.ReadBackDigits)
        {
            foreach (var digit in phone)
            {
                readBack.Add(FlowParser.DigitPhrase(digit));
            }
        }

        if (readBack.Count > 0)
        {
            actions.Add(new SayPhrases(readBack));
        }

        if (state.ReadBackSpoken)
        {
            actions.Add(new SayText(FrenchPhoneNumbers.ToSpokenPairs(phone), "phone_read_back"));
        }

        Enter(state.Next!, actions);
        return actions;
    }

    /// <summary>One more answer not understood: say the retry prompts, or go to the error state once retries run out.</summary>
    private List<ConversationAction> Fail()
    {
        var state = _state!;
        var actions = new List<ConversationAction>();
        _digits.Clear();
        _failures++;
        if (_failures > _maxRetries)
        {
            Enter(_flow.ErrorState, actions);
            return actions;
        }

        actions.Add(new SayPhrases(state.RetryPrompts.Count > 0 ? state.RetryPrompts : [_flow.System.NotUnderstood, .. state.Prompts]));
        if (state.Kind == FlowStateKind.Recording)
        {
            actions.Add(new StartRecording(state.Slot!, state.RecordingMaxDuration, state.RecordingEndSilence));
        }

        return actions;
    }

    private void Enter(string name, List<ConversationAction> actions)
    {
        var state = _flow.GetState(name);
        actions.Add(new EnterState(_state?.Name ?? string.Empty, name));
        _state = state;
        _visited.Add(name);
        _failures = 0;
        _digits.Clear();
        if (state.Prompts.Count > 0)
        {
            actions.Add(new SayPhrases(state.Prompts));
        }

        switch (state.Kind)
        {
            case FlowStateKind.Recording:
                actions.Add(new StartRecording(state.Slot!, state.RecordingMaxDuration, state.RecordingEndSilence));
                break;
            case FlowStateKind.Check:
                actions.Add(new RunCheck(state.Check!));
                break;
            case FlowStateKind.End:
                End(state.Outcome!.Value, state.Reason!, actions);
                break;
        }
    }

    private List<ConversationAction> Finish(string phrase, CallOutcomeKind outcome, string reason)
    {
        var actions = new List<ConversationAction> { new SayPhrases([phrase]) };
        End(outcome, reason, actions);
        return actions;
    }

    private void End(CallOutcomeKind outcome, string reason, List<ConversationAction> actions)
    {
        IsEnded = true;
        Outcome = outcome;
        EndReason = reason;
        actions.Add(new EndCall(outcome, reason));
    }
}
