namespace Voicebot.Abstractions.Records;

/// <summary>
/// Where finished calls' records go. <see cref="Submit"/> never blocks and never throws: the record is queued and
/// written in the background; if the store is down it waits on disk until the store is back. A record is never lost.
/// </summary>
public interface ICallRecordSink
{
    /// <summary>Queues the record for writing. Returns at once.</summary>
    void Submit(CallRecord record);

    /// <summary>Waits until every record submitted so far is in the store or safely on disk (shutdown, tests).</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);
}
