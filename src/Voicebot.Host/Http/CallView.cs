using Voicebot.Abstractions.Calls;
using Voicebot.Grains.Conversation;

namespace Voicebot.Host.Http;

/// <summary>
/// <c>GET /calls/{id}</c>: a call for an operator, live or stored, in one shape. Paths are relative to the data
/// (<see cref="ContentPaths.ToPublic"/>): a response never names a server path. <c>source</c> is <c>live</c> (its
/// grain answered) or <c>record</c> (the record store did).
/// </summary>
public sealed record CallView(
    Guid CallId,
    string Source,
    string State,
    string? Silo,
    bool WaitingForCaller,
    IReadOnlyDictionary<string, string> Slots,
    IReadOnlyList<ConversationTurn> History,
    CallOutcome? Outcome,
    string? Recording)
{
    public static CallView From(FoundCall found, ContentPaths paths)
    {
        ArgumentNullException.ThrowIfNull(found);
        ArgumentNullException.ThrowIfNull(paths);
        var outcome = found.Outcome is { } ended ? ended with { Slots = Public(ended.Slots, paths) } : null;
        if (found.Live is { } live)
        {
            return new CallView(
                live.CallId, "live", live.State, live.Silo, live.WaitingForCaller, Public(live.Slots, paths), Public(live.History, paths), outcome, null);
        }

        var record = found.Stored!;
        return new CallView(
            record.CallId,
            "record",
            found.State,
            record.Silo,
            WaitingForCaller: false,
            Public(record.Slots, paths),
            Public(record.History, paths),
            outcome,
            record.RecordingPath is { } recording ? paths.ToPublic(recording) : null);
    }

    private static Dictionary<string, string> Public(IReadOnlyDictionary<string, string> slots, ContentPaths paths) =>
        slots.ToDictionary(slot => slot.Key, slot => paths.ToPublic(slot.Value));

    private static ConversationTurn[] Public(IReadOnlyList<ConversationTurn> history, ContentPaths paths) =>
        [.. history.Select(turn => turn.Kind == TurnKind.AudioClip ? turn with { Content = paths.ToPublic(turn.Content) } : turn)];
}
