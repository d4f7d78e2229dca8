using Voicebot.Abstractions.Records;

namespace Voicebot.Records.Storage;

/// <summary>
/// A database of call records. Implementations are thread-safe and may throw on any database failure; the
/// <see cref="DurableCallRecordSink"/> turns failures into spooled records.
/// </summary>
public interface ICallRecordStore
{
    /// <summary>Creates the tables or applies the migrations not applied yet. Idempotent; safe with several silos at once.</summary>
    Task EnsureSchemaAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the record. It replaces a stored draft of the same call (<see cref="CallRecordReasons.InProgress"/>) but
    /// never a final record: a replayed record never duplicates, and a late draft never undoes the call's end.
    /// </summary>
    Task SaveAsync(CallRecord record, CancellationToken cancellationToken = default);

    /// <summary>Drafts of calls not ended (<see cref="CallRecordReasons.InProgress"/>), oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<CallRecord>> ListInProgressAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>The record of one call, or <see langword="null"/> when unknown.</summary>
    Task<CallRecord?> GetAsync(Guid callId, CancellationToken cancellationToken = default);

    /// <summary>Records matching the query, newest first.</summary>
    Task<IReadOnlyList<CallRecordSummary>> ListAsync(CallRecordQuery query, CancellationToken cancellationToken = default);

    /// <summary>Throws when the store cannot be reached.</summary>
    Task PingAsync(CancellationToken cancellationToken = default);
}
