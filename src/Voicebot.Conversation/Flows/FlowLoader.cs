using System.Text.Json;
using Voicebot.Conversation.Phrases;

namespace Voicebot.Conversation.Flows;

/// <summary>Reads and validates flow definitions.</summary>
/// <remarks>
/// A flow file is a JSON object (comments and trailing commas allowed):
/// <c>name</c>, <c>language</c>, <c>initialState</c>, <c>errorState</c>, optional <c>humanRequest</c>, a <c>system</c>
/// object (<c>silenceReprompt</c>, <c>silenceGoodbye</c>, <c>maxDurationGoodbye</c>, <c>failure</c>, <c>notUnderstood</c>)
/// and <c>states</c>, an object of upper-case state names. Each state has <c>expect</c> (<c>none</c>, <c>choice</c>,
/// <c>phone</c>, <c>recording</c>, <c>check</c>, <c>end</c>) and <c>prompts</c>, plus per kind: <c>next</c>; <c>options</c>
/// (<c>dtmf</c>, <c>intent</c>, <c>value</c>, <c>next</c>); <c>slot</c>; <c>retryPrompts</c>; <c>confirmPrompts</c> and
/// <c>readBackDigits</c>; <c>maxSeconds</c> and <c>endSilenceSeconds</c>; <c>check</c>, <c>onTrue</c> and <c>onFalse</c>
/// (<c>next</c>, <c>value</c>); <c>outcome</c> and <c>reason</c>. Unknown properties are rejected, so typos fail at start-up.
/// </remarks>
public static class FlowLoader
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Parses a flow and checks it: every transition targets a state, every prompt key exists in <paramref name="phrases"/>.</summary>
    /// <exception cref="InvalidDataException">The flow is malformed; the message names the state and the problem.</exception>
    public static FlowDefinition Parse(string json, PhraseCatalog phrases)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(phrases);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Flow is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            return new FlowParser(phrases).Parse(document.RootElement);
        }
    }

    /// <summary>Loads <c>{flowsDirectory}/{name}.json</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a plain flow name (letters, digits, <c>-</c>, <c>_</c>).</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The flow is malformed, or its <c>name</c> differs from the file name.</exception>
    public static FlowDefinition Load(string flowsDirectory, string name, PhraseCatalog phrases)
    {
        ArgumentNullException.ThrowIfNull(flowsDirectory);
        ArgumentNullException.ThrowIfNull(phrases);
        if (!FlowParser.IsFlowName(name))
        {
            throw new ArgumentException($"'{name}' is not a flow name: use lower-case letters, digits, '-' and '_'.", nameof(name));
        }

        var path = Path.Combine(flowsDirectory, name + ".json");
        var json = File.ReadAllText(path);
        FlowDefinition flow;
        try
        {
            flow = Parse(json, phrases);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }

        if (!string.Equals(flow.Name, name, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: flow '{flow.Name}' must be named like its file ('{name}').");
        }

        return flow;
    }
}
