using System.Collections.Concurrent;
using Voicebot.Abstractions.Calls;

namespace Voicebot.Testing.Fakes;

/// <summary>
/// Stands in for the gateway of one call: records what the grain plays, reports each item as played at once
/// (off the observer call, as the real pacer does), and records the hang-up. Thread-safe.
/// </summary>
public sealed class RecordingMediaSink : ICallMediaSink
{
    private readonly ConcurrentQueue<PlaybackItem> _played = new();
    private readonly TaskCompletionSource _hungUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _changed = new(0);
    private readonly ConcurrentQueue<InboundAudioDemand> _inboundAudio = new();
    private int _flushes;

    /// <summary>Reports playback finished for an item; set by the test to call the grain.</summary>
    public Func<int, Task>? PlaybackFinished { get; set; }

    /// <summary>When false, items are recorded but never reported as played (a prompt that is still playing).</summary>
    public bool AutoFinish { get; set; } = true;

    public IReadOnlyList<PlaybackItem> Played => _played.ToArray();

    public IReadOnlyList<string> PhraseKeys => _played.Select(p => p.Label).ToArray();

    public int Flushes => Volatile.Read(ref _flushes);

    public bool IsHungUp => _hungUp.Task.IsCompleted;

    /// <summary>Every caller-audio demand the grain sent, in order.</summary>
    public IReadOnlyList<InboundAudioDemand> InboundAudio => _inboundAudio.ToArray();

    /// <summary>The last caller-audio demand (<see cref="InboundAudioDemand.All"/> until the grain sends one).</summary>
    public InboundAudioDemand CurrentInboundAudio => _inboundAudio.LastOrDefault() ?? InboundAudioDemand.All;

    public Task PlayAsync(PlaybackItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        _played.Enqueue(item);
        _changed.Release();
        if (AutoFinish && PlaybackFinished is { } report)
        {
            _ = Task.Run(() => report(item.Id));
        }

        return Task.CompletedTask;
    }

    public Task FlushAsync()
    {
        Interlocked.Increment(ref _flushes);
        return Task.CompletedTask;
    }

    public Task SetInboundAudioAsync(InboundAudioDemand demand)
    {
        ArgumentNullException.ThrowIfNull(demand);
        _inboundAudio.Enqueue(demand);
        _changed.Release();
        return Task.CompletedTask;
    }

    public Task HangUpAsync()
    {
        _hungUp.TrySetResult();
        _changed.Release();
        return Task.CompletedTask;
    }

    /// <summary>Waits until a phrase with this key has been played <paramref name="occurrence"/> times.</summary>
    public async Task WaitForPhraseAsync(string key, CancellationToken cancellationToken, int occurrence = 1, TimeSpan? timeout = null)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(20));
        while (PhraseKeys.Count(k => k == key) < occurrence)
        {
            try
            {
                await _changed.WaitAsync(TimeSpan.FromMilliseconds(50), limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Phrase '{key}' (×{occurrence}) not played; played so far: {string.Join(", ", PhraseKeys)}");
            }
        }
    }

    /// <summary>Waits until the grain has sent <paramref name="count"/> caller-audio demands.</summary>
    public async Task WaitForInboundAudioAsync(int count, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(20));
        while (_inboundAudio.Count < count)
        {
            try
            {
                await _changed.WaitAsync(TimeSpan.FromMilliseconds(50), limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{count} caller-audio demands expected; got {_inboundAudio.Count}: {string.Join(", ", _inboundAudio)}");
            }
        }
    }

    /// <summary>Waits for the bot's hang-up.</summary>
    public async Task WaitForHangUpAsync(CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        try
        {
            await _hungUp.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(20), cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException("The bot did not hang up; played so far: " + string.Join(", ", PhraseKeys));
        }
    }
}
