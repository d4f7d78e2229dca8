using Voicebot.Conversation.Understanding;

namespace Voicebot.Conversation.Flows;

/// <summary>One answer of a <see cref="FlowStateKind.Choice"/> state.</summary>
/// <param name="Dtmf">The keypad key that selects it (<c>0</c>–<c>9</c>, <c>*</c>, <c>#</c>), or <see langword="null"/>.</param>
/// <param name="Intent">The meaning that selects it when spoken (e.g. <see cref="Intent.Internet"/>), or <see langword="null"/>.</param>
/// <param name="Value">What is stored in the state's slot: the flow's <c>value</c>, else the intent in lower case, else the key.</param>
/// <param name="Next">The state to go to.</param>
public sealed record FlowChoice(char? Dtmf, Intent? Intent, string Value, string Next);
