namespace Voicebot.Conversation.Flows;

/// <summary>What is wrong in a flow file, and in which state (<see langword="null"/> for the flow itself).</summary>
internal readonly record struct FlowProblem(string? State, string Description);
