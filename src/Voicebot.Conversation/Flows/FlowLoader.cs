using Voicebot.Conversation.Phrases;

namespace Voicebot.Conversation.Flows;

/// <summary>Reads and validates flow definitions.</summary>
public static class FlowLoader
{
    /// <summary>Parses a flow and checks it: every transition targets a state, every prompt key exists in <paramref name="phrases"/>.</summary>
    /// <exception cref="InvalidDataException">The flow is malformed; the message names the state and the problem.</exception>
    public static FlowDefinition Parse(string json, PhraseCatalog phrases) => throw new NotImplementedException();

    /// <summary>Loads <c>{flowsDirectory}/{name}.json</c>.</summary>
    public static FlowDefinition Load(string flowsDirectory, string name, PhraseCatalog phrases) => throw new NotImplementedException();
}
