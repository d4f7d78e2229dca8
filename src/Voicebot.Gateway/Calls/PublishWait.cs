using System.Threading.Tasks.Sources;

namespace Voicebot.Gateway.Calls;

/// <summary>
/// Waits for one call's stream publish, or for the call's token, whichever comes first: what
/// <see cref="Task.WaitAsync(CancellationToken)"/> does, without the promise it allocates for every frame. One instance
/// per call, reused for every frame.
/// </summary>
/// <remarks>
/// One wait at a time: the call's read loop awaits each publish before the next (<see cref="ICallControl"/> is invoked
/// in order per call); <see cref="TryStart"/> returns <see langword="false"/> when a wait is still running. The awaiter
/// resumes inline on the thread that completed the publish or cancelled the token, as after <c>await task.WaitAsync(…)</c>.
/// A publish still running after its wait was cancelled cannot complete a later wait: each completion is checked against
/// the current publish and token.
/// </remarks>
internal sealed class PublishWait : IValueTaskSource
{
    private static readonly Action<object?> OnCanceled = static state => ((PublishWait)state!).TryComplete(canceled: true);

    private readonly Lock _gate = new();
    private readonly Action _onPublished;
    private ManualResetValueTaskSourceCore<bool> _core;
    private Task _publish = Task.CompletedTask;
    private CancellationToken _token;
    private CancellationTokenRegistration _registration;
    private bool _started;
    private bool _waiting;

    public PublishWait()
    {
        _onPublished = () => TryComplete(canceled: false);
    }

    /// <summary>
    /// Starts waiting for <paramref name="publish"/>; the wait fails with <see cref="OperationCanceledException"/> if
    /// <paramref name="cancellationToken"/> is cancelled first. Returns <see langword="false"/>, and does nothing, while
    /// the previous wait has not been awaited yet.
    /// </summary>
    public bool TryStart(Task publish, CancellationToken cancellationToken, out ValueTask wait)
    {
        lock (_gate)
        {
            if (_started)
            {
                wait = default;
                return false;
            }

            _started = true;
            _waiting = true;
            _core.Reset();
            _publish = publish;
            _token = cancellationToken;
            wait = new ValueTask(this, _core.Version);
        }

        // Outside the lock: either callback may run at once. Both are cached delegates, so registering them allocates
        // nothing (the token recycles its registration nodes).
        publish.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onPublished);
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(OnCanceled, this);
        }

        return true;
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    public void GetResult(short token)
    {
        _core.GetStatus(token);   // a stale token throws here, before it could end the current wait
        Task publish;
        try
        {
            _core.GetResult(token);   // throws the cancellation
        }
        finally
        {
            publish = Reset();
        }

        publish.GetAwaiter().GetResult();   // rethrows the publish's own failure
    }

    /// <summary>Ends this wait, so the next may start; returns its publish.</summary>
    private Task Reset()
    {
        // TryStart has returned by now (its ValueTask is being awaited), so the registration is this wait's.
        _registration.Unregister();
        _registration = default;
        lock (_gate)
        {
            var publish = _publish;
            _publish = Task.CompletedTask;
            _token = default;
            _started = false;
            return publish;
        }
    }

    private void TryComplete(bool canceled)
    {
        CancellationToken token;
        lock (_gate)
        {
            // A late callback from an earlier wait (its publish, or its token) counts only when it is true of this one.
            if (!_waiting || (canceled ? !_token.IsCancellationRequested : !_publish.IsCompleted))
            {
                return;
            }

            _waiting = false;
            token = _token;
        }

        // Outside the lock: the awaiter resumes inline.
        if (canceled)
        {
            _core.SetException(new OperationCanceledException(token));
        }
        else
        {
            _core.SetResult(true);
        }
    }
}
