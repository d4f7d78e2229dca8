namespace Voicebot.Conversation.Flows;

/// <summary>Where a <see cref="FlowStateKind.Check"/> state goes for one result, and what it stores in its slot.</summary>
/// <param name="Next">The state to go to.</param>
/// <param name="Value">Stored in the state's slot (e.g. <c>available</c>), or <see langword="null"/> to store nothing.</param>
public sealed record FlowCheckBranch(string Next, string? Value);
