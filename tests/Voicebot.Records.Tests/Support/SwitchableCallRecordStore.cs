using System.Collections.Concurrent;
using Voicebot.Abstractions.Records;
using Voicebot.Records.Storage;

namespace Voicebot.Records.Tests.Support;

/// <summary>An in-memory store that refuses every call while <see cref="Down"/> is set; counts writes per call id.</summary>
internal sealed class SwitchableCallRecordStore : ICallRecordStore
{
    private readonly ConcurrentDictionary<Guid, CallRecord> _records = new();
    private readonly ConcurrentDictionary<Guid, int> _writes = new();

    public volatile bool Down;

    public IReadOnlyDictionary<Guid, CallRecord> Records => _records;

    public int WritesOf(Guid callId) => _writes.GetValueOrDefault(callId);

    public Task EnsureSchemaAsync(CancellationToken cancellationToken = default) => Check();

    public Task SaveAsync(CallRecord record, CancellationToken cancellationToken = default)
    {
        if (Down)
        {
            return Check();
        }

        _records[record.CallId] = record;
        _writes.AddOrUpdate(record.CallId, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public Task<CallRecord?> GetAsync(Guid callId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_records.GetValueOrDefault(callId));

    public Task<IReadOnlyList<CallRecord>> ListInProgressAsync(int limit, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<IReadOnlyList<CallRecordSummary>> ListAsync(CallRecordQuery query, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task PingAsync(CancellationToken cancellationToken = default) => Check();

    private Task Check() => Down ? Task.FromException(new IOException("store down")) : Task.CompletedTask;
}
