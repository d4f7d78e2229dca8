using System.Text.Json.Serialization;

namespace Voicebot.Conversation.Flows.Json;

// The shape of a flow file (assets/flows/*.json) as System.Text.Json reads it: members in camelCase, unknown members
// refused, required members marked. FlowParser checks the meaning (transitions, phrase keys, ranges) and builds the
// runtime FlowDefinition from these records.

internal sealed record FlowDocument
{
    public required string Name { get; init; }

    public string? Description { get; init; }

    public required string Language { get; init; }

    public required string InitialState { get; init; }

    public required string ErrorState { get; init; }

    public string? HumanRequest { get; init; }

    public required FlowSystemDocument System { get; init; }

    public required IReadOnlyDictionary<string, FlowStateDocument?> States { get; init; }
}

internal sealed record FlowSystemDocument
{
    public required string SilenceReprompt { get; init; }

    public required string SilenceGoodbye { get; init; }

    public required string MaxDurationGoodbye { get; init; }

    public required string Failure { get; init; }

    public required string NotUnderstood { get; init; }
}

/// <summary>A state; its <c>expect</c> names the kind, anywhere in the object (the flow files put it first, but need not).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = DiscriminatorName)]
[JsonDerivedType(typeof(NoneStateDocument), "none")]
[JsonDerivedType(typeof(ChoiceStateDocument), "choice")]
[JsonDerivedType(typeof(PhoneStateDocument), "phone")]
[JsonDerivedType(typeof(RecordingStateDocument), "recording")]
[JsonDerivedType(typeof(CheckStateDocument), "check")]
[JsonDerivedType(typeof(EndStateDocument), "end")]
internal abstract record FlowStateDocument
{
    public const string DiscriminatorName = "expect";

    public string? Description { get; init; }

    // Settable rather than init: the source generator passes every init member it did not read as default (null).
    public IReadOnlyList<string?> Prompts { get; set; } = [];
}

internal sealed record NoneStateDocument : FlowStateDocument
{
    public required string Next { get; init; }
}

internal sealed record ChoiceStateDocument : FlowStateDocument
{
    public required IReadOnlyList<FlowOptionDocument?> Options { get; init; }

    public string? Slot { get; init; }

    public IReadOnlyList<string?> RetryPrompts { get; set; } = [];

    public double? SilenceRepromptSeconds { get; init; }

    public double? SilenceGiveUpSeconds { get; init; }
}

internal sealed record PhoneStateDocument : FlowStateDocument
{
    public required string Slot { get; init; }

    public required string Next { get; init; }

    public IReadOnlyList<string?> RetryPrompts { get; set; } = [];

    public IReadOnlyList<string?> ConfirmPrompts { get; set; } = [];

    public bool ReadBackDigits { get; init; }

    public bool ReadBackSpoken { get; init; }

    public double? SilenceRepromptSeconds { get; init; }

    public double? SilenceGiveUpSeconds { get; init; }
}

internal sealed record RecordingStateDocument : FlowStateDocument
{
    public required string Slot { get; init; }

    public required string Next { get; init; }

    public IReadOnlyList<string?> RetryPrompts { get; set; } = [];

    public required double MaxSeconds { get; init; }

    public required double EndSilenceSeconds { get; init; }
}

internal sealed record CheckStateDocument : FlowStateDocument
{
    public required string Check { get; init; }

    public string? Slot { get; init; }

    public required FlowBranchDocument OnTrue { get; init; }

    public required FlowBranchDocument OnFalse { get; init; }
}

internal sealed record EndStateDocument : FlowStateDocument
{
    public required string Outcome { get; init; }

    public required string Reason { get; init; }
}

internal sealed record FlowOptionDocument
{
    /// <summary>A keypad key; flow files write it as a string (<c>"1"</c>, <c>"#"</c>) or as a number (<c>1</c>).</summary>
    [JsonConverter(typeof(DtmfKeyJsonConverter))]
    public string? Dtmf { get; init; }

    public string? Intent { get; init; }

    public string? Value { get; init; }

    public required string Next { get; init; }
}

internal sealed record FlowBranchDocument
{
    public required string Next { get; init; }

    public string? Value { get; init; }
}
