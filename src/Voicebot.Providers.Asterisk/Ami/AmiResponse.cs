namespace Voicebot.Providers.Asterisk.Ami;

/// <summary>
/// The reply to one action: the <c>Response</c> message and, for list actions (<c>EventList: start</c>), the events
/// that followed it up to the one with <c>EventList: Complete</c> (kept in <see cref="Completion"/>, not in <see cref="Events"/>).
/// </summary>
public sealed class AmiResponse(AmiMessage message, IReadOnlyList<AmiMessage> events, AmiMessage? completion)
{
    /// <summary>The <c>Response:</c> message.</summary>
    public AmiMessage Message { get; } = message;

    /// <summary>The list items (e.g. one <c>QueueSummary</c> per queue); empty for a plain action.</summary>
    public IReadOnlyList<AmiMessage> Events { get; } = events;

    /// <summary>The closing event of a list (e.g. <c>QueueSummaryComplete</c>), or <see langword="null"/>.</summary>
    public AmiMessage? Completion { get; } = completion;

    /// <summary><c>Response: Success</c> (or <c>Follows</c>, the older <c>Command</c> reply).</summary>
    public bool IsSuccess =>
        string.Equals(Message.Response, "Success", StringComparison.OrdinalIgnoreCase)
        || string.Equals(Message.Response, "Follows", StringComparison.OrdinalIgnoreCase);

    /// <summary>The reply's <c>Message</c> (e.g. "Channel does not exist: …").</summary>
    public string? MessageText => Message.MessageText;
}
