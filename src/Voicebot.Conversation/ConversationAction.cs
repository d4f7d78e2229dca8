using System.Text;
using Voicebot.Abstractions.Calls;

namespace Voicebot.Conversation;

/// <summary>An effect the conversation asks its host (the CallGrain) to carry out, in order.</summary>
public abstract record ConversationAction;

/// <summary>The flow moved from one state to another (history and logs).</summary>
public sealed record EnterState(string From, string To) : ConversationAction;

/// <summary>Queue these cached phrases, in order, after anything already queued.</summary>
/// <remarks>Two instances are equal when they hold the same keys in the same order.</remarks>
public sealed record SayPhrases(IReadOnlyList<string> PhraseKeys) : ConversationAction
{
    public bool Equals(SayPhrases? other) =>
        ReferenceEquals(this, other) || (other is not null && PhraseKeys.SequenceEqual(other.PhraseKeys, StringComparer.Ordinal));

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var key in PhraseKeys)
        {
            hash.Add(key, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append("PhraseKeys = [").AppendJoin(", ", PhraseKeys).Append(']');
        return true;
    }
}

/// <summary>Synthesize this text now (it is not a fixed phrase) and queue it after anything already queued.</summary>
/// <param name="Text">What to say.</param>
/// <param name="Label">A short name for logs and the history, e.g. <c>phone_read_back</c>.</param>
public sealed record SayText(string Text, string Label) : ConversationAction;

/// <summary>Once the queued phrases have played, record the caller into <paramref name="Slot"/> until they press #, stop speaking for <paramref name="EndSilence"/>, or <paramref name="MaxDuration"/> passes.</summary>
public sealed record StartRecording(string Slot, TimeSpan MaxDuration, TimeSpan EndSilence) : ConversationAction;

/// <summary>Ask an external check (e.g. <c>technician</c>) and report with <see cref="CallConversation.OnCheckResult"/>.</summary>
public sealed record RunCheck(string Check) : ConversationAction;

/// <summary>End the call once the queued phrases have played.</summary>
public sealed record EndCall(CallOutcomeKind Outcome, string Reason) : ConversationAction;
