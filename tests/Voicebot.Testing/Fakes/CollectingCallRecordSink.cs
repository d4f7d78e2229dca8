using System.Collections.Concurrent;
using Voicebot.Abstractions.Records;

namespace Voicebot.Testing.Fakes;

/// <summary>
/// A record sink that keeps every submitted record in memory and lets a test wait for a call's final record (drafts,
/// <see cref="CallRecordReasons.InProgress"/>, are kept apart).
/// </summary>
public sealed class CollectingCallRecordSink : ICallRecordSink
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<CallRecord>> _records = new();
    private readonly ConcurrentDictionary<Guid, ConcurrentQueue<CallRecord>> _drafts = new();
    private int _submissions;

    /// <summary>How many times <see cref="Submit"/> was called, all calls together.</summary>
    public int Submissions => Volatile.Read(ref _submissions);

    public void Submit(CallRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Interlocked.Increment(ref _submissions);
        if (CallRecordReasons.IsInProgress(record))
        {
            _drafts.GetOrAdd(record.CallId, _ => new ConcurrentQueue<CallRecord>()).Enqueue(record);
            return;
        }

        Entry(record.CallId).TrySetResult(record);
    }

    /// <summary>The drafts submitted for a call so far, in order.</summary>
    public IReadOnlyList<CallRecord> Drafts(Guid callId) => _drafts.TryGetValue(callId, out var drafts) ? [.. drafts] : [];

    public Task FlushAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<CallRecord> WaitForAsync(Guid callId, CancellationToken cancellationToken) =>
        Entry(callId).Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);

    private TaskCompletionSource<CallRecord> Entry(Guid callId) =>
        _records.GetOrAdd(callId, _ => new TaskCompletionSource<CallRecord>(TaskCreationOptions.RunContinuationsAsynchronously));
}
