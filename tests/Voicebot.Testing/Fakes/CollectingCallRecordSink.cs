using System.Collections.Concurrent;
using Voicebot.Abstractions.Records;

namespace Voicebot.Testing.Fakes;

/// <summary>A record sink that keeps every submitted record in memory and lets a test wait for one.</summary>
public sealed class CollectingCallRecordSink : ICallRecordSink
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<CallRecord>> _records = new();
    private int _submissions;

    /// <summary>How many times <see cref="Submit"/> was called, all calls together.</summary>
    public int Submissions => Volatile.Read(ref _submissions);

    public void Submit(CallRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Interlocked.Increment(ref _submissions);
        Entry(record.CallId).TrySetResult(record);
    }

    public Task FlushAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<CallRecord> WaitForAsync(Guid callId, CancellationToken cancellationToken) =>
        Entry(callId).Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);

    private TaskCompletionSource<CallRecord> Entry(Guid callId) =>
        _records.GetOrAdd(callId, _ => new TaskCompletionSource<CallRecord>(TaskCreationOptions.RunContinuationsAsynchronously));
}
