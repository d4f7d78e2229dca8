using Voicebot.Abstractions.Calls;

namespace Voicebot.Conversation.Flows;

/// <summary>One state of a <see cref="FlowDefinition"/>. Which members are set depends on <see cref="Kind"/>.</summary>
public sealed record FlowState
{
    /// <summary>The state's name, upper case (e.g. <c>IDENTIFICATION_PHONE</c>).</summary>
    public required string Name { get; init; }

    /// <summary>What the state waits for.</summary>
    public required FlowStateKind Kind { get; init; }

    /// <summary>Phrase keys said on entering the state.</summary>
    public IReadOnlyList<string> Prompts { get; init; } = [];

    /// <summary>Phrase keys said after an answer that was not understood; empty means "not understood" then <see cref="Prompts"/>.</summary>
    public IReadOnlyList<string> RetryPrompts { get; init; } = [];

    /// <summary>The slot the state fills (<c>problem</c>, <c>phone</c>, <c>name_clip</c>…), or <see langword="null"/>.</summary>
    public string? Slot { get; init; }

    /// <summary>The following state for <see cref="FlowStateKind.None"/>, <see cref="FlowStateKind.Phone"/> and <see cref="FlowStateKind.Recording"/>.</summary>
    public string? Next { get; init; }

    /// <summary>The answers of a <see cref="FlowStateKind.Choice"/> state.</summary>
    public IReadOnlyList<FlowChoice> Options { get; init; } = [];

    /// <summary>Longest recording of a <see cref="FlowStateKind.Recording"/> state.</summary>
    public TimeSpan RecordingMaxDuration { get; init; }

    /// <summary>Silence that ends a recording of a <see cref="FlowStateKind.Recording"/> state.</summary>
    public TimeSpan RecordingEndSilence { get; init; }

    /// <summary>Phrase keys said once a phone number is valid, before it is read back (e.g. <c>phone_confirm_intro</c>).</summary>
    public IReadOnlyList<string> ConfirmPrompts { get; init; } = [];

    /// <summary>Whether a <see cref="FlowStateKind.Phone"/> state reads the number back digit by digit (<c>digit_0</c>…<c>digit_9</c>).</summary>
    public bool ReadBackDigits { get; init; }

    /// <summary>
    /// Whether a <see cref="FlowStateKind.Phone"/> state reads the number back as French speaks it, in pairs
    /// ("zéro six, douze, trente-quatre…"): synthesized text, not cached phrases. Natural with a cloud voice.
    /// </summary>
    public bool ReadBackSpoken { get; init; }

    /// <summary>The external check a <see cref="FlowStateKind.Check"/> state runs (e.g. <c>technician</c>).</summary>
    public string? Check { get; init; }

    /// <summary>Where a <see cref="FlowStateKind.Check"/> state goes when the check is true.</summary>
    public FlowCheckBranch? OnTrue { get; init; }

    /// <summary>Where a <see cref="FlowStateKind.Check"/> state goes when the check is false.</summary>
    public FlowCheckBranch? OnFalse { get; init; }

    /// <summary>Caller silence before "allô ?" in this state, overriding the call's default (e.g. while the caller restarts a box).</summary>
    public TimeSpan? SilenceReprompt { get; init; }

    /// <summary>Caller silence before goodbye in this state, overriding the call's default.</summary>
    public TimeSpan? SilenceGiveUp { get; init; }

    /// <summary>How an <see cref="FlowStateKind.End"/> state ends the call.</summary>
    public CallOutcomeKind? Outcome { get; init; }

    /// <summary>Why an <see cref="FlowStateKind.End"/> state ends the call (e.g. <c>resolved</c>), for the dialplan and logs.</summary>
    public string? Reason { get; init; }
}
