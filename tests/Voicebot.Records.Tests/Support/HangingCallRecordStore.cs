using Voicebot.Abstractions.Records;
using Voicebot.Records.Storage;

namespace Voicebot.Records.Tests.Support;

/// <summary>A store whose writes never return, and ignore cancellation (a wedged connection).</summary>
internal sealed class HangingCallRecordStore : ICallRecordStore
{
    private readonly TaskCompletionSource _never = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _saveCalls;

    public int SaveCalls => Volatile.Read(ref _saveCalls);

    public Task EnsureSchemaAsync(CancellationToken cancellationToken = default) => _never.Task;

    public Task SaveAsync(CallRecord record, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _saveCalls);
        return _never.Task;
    }

    public Task<CallRecord?> GetAsync(Guid callId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<CallRecord>> ListInProgressAsync(int limit, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<IReadOnlyList<CallRecordSummary>> ListAsync(CallRecordQuery query, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task PingAsync(CancellationToken cancellationToken = default) => _never.Task;
}
