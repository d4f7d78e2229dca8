using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Records;
using Voicebot.Gateway.Calls;

namespace Voicebot.Gateway.Drain;

/// <summary>
/// Drains the gateway when the host stops: refuses new calls at once (admission closed, AudioSocket listener
/// unbound), lets the active calls go on up to <see cref="DrainOptions.Deadline"/>, then plays the goodbye phrase to
/// the rest and hangs them up (their hang-up reason is <see cref="HangupReason.Shutdown"/>), waits for the control
/// plane to hear of every end, flushes the call records and lingers briefly so the dialplan can read the outcomes.
/// The connection handler reports its calls here (<see cref="Track"/>, <see cref="Untrack"/>,
/// <see cref="TrackEndReport"/>). Thread-safe; runs once.
/// </summary>
internal sealed class GatewayDrain(
    CallRegistry calls,
    ICallControl control,
    IOptions<DrainOptions> options,
    TimeProvider time,
    IServiceProvider services,
    ILogger<GatewayDrain> logger) : IDrainState
{
    /// <summary>Playback id of the goodbye (the busy phrase uses -1); the control plane ignores ids it did not send.</summary>
    internal const int GoodbyePlaybackId = -2;

    // The phrase comes from the warm cache: a slow answer means the silo is in trouble, and the caller should not wait on it.
    private static readonly TimeSpan PhraseTimeout = TimeSpan.FromSeconds(2);

    // After a cut (or the goodbye timeout), what is left to wait for is local: sockets closing, grains told of the end.
    private static readonly TimeSpan CutTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ReportTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly List<IConnectionListener> _listeners = [];
    private readonly ConcurrentDictionary<Guid, CallSession> _sessions = new();
    private readonly ConcurrentDictionary<Task, byte> _reports = new();
    private readonly ConcurrentDictionary<int, Task<PlaybackItem?>> _goodbyes = new();
    private Task? _drain;
    private volatile bool _draining;
    private volatile bool _sayingGoodbye;
    private int _endedOnTheirOwn;
    private int _saidGoodbye;
    private int _cut;

    /// <inheritdoc />
    public bool IsDraining => _draining;

    /// <summary>Calls that heard the goodbye so far.</summary>
    internal int SaidGoodbye => Volatile.Read(ref _saidGoodbye);

    /// <summary>Calls that ended by themselves (caller or bot hung up) during the drain.</summary>
    internal int EndedOnTheirOwn => Volatile.Read(ref _endedOnTheirOwn);

    /// <summary>Calls hung up without waiting any longer for their goodbye.</summary>
    internal int Cut => Volatile.Read(ref _cut);

    /// <summary>The AudioSocket listener, bound by <see cref="AudioSocketListenerFactory"/>; unbound when the drain starts.</summary>
    internal void Attach(IConnectionListener listener)
    {
        lock (_gate)
        {
            _listeners.Add(listener);
        }
    }

    /// <summary>An admitted call's session exists. Past the deadline it hears the goodbye at once.</summary>
    internal void Track(CallSession session)
    {
        _sessions[session.CallId] = session;
        if (_sayingGoodbye)
        {
            _ = SayGoodbyeAsync(session);
        }
    }

    /// <summary>The call's connection has ended, for <paramref name="reason"/> (<see langword="null"/>: the bot hung up).</summary>
    internal void Untrack(CallSession session, HangupReason? reason)
    {
        if (!_sessions.TryRemove(KeyValuePair.Create(session.CallId, session)) || !_draining)
        {
            return;
        }

        if (!session.EndedForShutdown)
        {
            Interlocked.Increment(ref _endedOnTheirOwn);
        }

        DrainLog.CallEnded(logger, session.CallId, DrainLog.ReasonWord(reason), calls.ActiveCalls);
    }

    /// <summary>
    /// The control plane is being told of a call's end. Call it before the call's slot is released, so a drain that sees
    /// no call left also sees every report pending.
    /// </summary>
    internal void TrackEndReport(Task report)
    {
        if (report.IsCompleted)
        {
            return;
        }

        _reports.TryAdd(report, 0);
        _ = report.ContinueWith(static (done, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(done, out _), _reports, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// Runs the drain (once: later calls return the same task). Completes when every call has ended and its record is
    /// flushed, or when <paramref name="cancellationToken"/> (the host's shutdown timeout) cuts it short; never throws.
    /// </summary>
    public Task DrainAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return _drain ??= RunAsync(cancellationToken);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var started = time.GetTimestamp();
        _draining = true;
        calls.Close();
        var activeAtStart = calls.ActiveCalls;
        DrainLog.Started(logger, activeAtStart, settings.Deadline);
        await CloseListenersAsync();
        try
        {
            if (!await WaitForCallsAsync(settings.Deadline, cancellationToken))
            {
                DrainLog.DeadlineReached(logger, settings.Deadline, calls.ActiveCalls);
                _sayingGoodbye = true;
                await Task.WhenAll(_sessions.Values.Select(SayGoodbyeAsync));
                if (!await WaitForCallsAsync(settings.GoodbyeTimeout, cancellationToken))
                {
                    CutAll(settings.GoodbyeTimeout);
                    await WaitForCallsAsync(CutTimeout, cancellationToken);
                }
            }

            await WaitForReportsAsync(cancellationToken);
            await FlushRecordsAsync(cancellationToken);
            if (activeAtStart > 0 && settings.OutcomeLinger > TimeSpan.Zero)
            {
                await Task.Delay(settings.OutcomeLinger, time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            DrainLog.CutShort(logger, calls.ActiveCalls);
            CutAll(TimeSpan.Zero);
            return;
        }

        DrainLog.Finished(logger, (long)time.GetElapsedTime(started).TotalMilliseconds, EndedOnTheirOwn, SaidGoodbye);
    }

    private async Task CloseListenersAsync()
    {
        IConnectionListener[] listeners;
        lock (_gate)
        {
            listeners = [.. _listeners];
        }

        foreach (var listener in listeners)
        {
            var endPoint = listener.EndPoint;
            await listener.UnbindAsync(CancellationToken.None);
            DrainLog.ListenerClosed(logger, endPoint);
        }
    }

    /// <summary>True when every call has ended within <paramref name="timeout"/>.</summary>
    private async Task<bool> WaitForCallsAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await calls.Emptied.WaitAsync(timeout, time, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private async Task SayGoodbyeAsync(CallSession session)
    {
        var goodbye = await _goodbyes.GetOrAdd(session.SampleRate, rate => FetchGoodbyeAsync(session.CallId, rate));
        if (session.EndForShutdown(goodbye))
        {
            Interlocked.Increment(ref _saidGoodbye);
            DrainLog.CallGoodbye(logger, session.CallId);
        }
    }

    private async Task<PlaybackItem?> FetchGoodbyeAsync(Guid callId, int sampleRate)
    {
        var key = options.Value.GoodbyePhraseKey;
        try
        {
            var phrase = await control.GetPhraseAsync(key, sampleRate).WaitAsync(PhraseTimeout, time);
            return new PlaybackItem(GoodbyePlaybackId, phrase.Key, phrase.Pcm, phrase.SampleRate);
        }
        catch (Exception ex)
        {
            DrainLog.GoodbyeUnavailable(logger, callId, key, ex);
            return null;
        }
    }

    /// <summary>Hangs up whatever is still connected now (its goodbye, if any, is cut).</summary>
    private void CutAll(TimeSpan after)
    {
        foreach (var session in _sessions.Values)
        {
            session.EndForShutdown(goodbye: null);
            DrainLog.CallCut(logger, session.CallId, after);
            session.Abort();
            Interlocked.Increment(ref _cut);
        }
    }

    private async Task WaitForReportsAsync(CancellationToken cancellationToken)
    {
        if (!_reports.IsEmpty)
        {
            DrainLog.AwaitingReports(logger, _reports.Count);
        }

        try
        {
            await Task.WhenAll(_reports.Keys).WaitAsync(ReportTimeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            DrainLog.ReportsPending(logger, _reports.Count, ReportTimeout);
        }
    }

    private async Task FlushRecordsAsync(CancellationToken cancellationToken)
    {
        // Optional: the records store is another feature, and a gateway without it has nothing to flush.
        if (services.GetService<ICallRecordSink>() is not { } records)
        {
            return;
        }

        try
        {
            await records.FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            DrainLog.RecordFlushFailed(logger, ex);
        }
    }
}
