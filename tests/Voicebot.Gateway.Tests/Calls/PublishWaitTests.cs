using Voicebot.Gateway.Calls;

namespace Voicebot.Gateway.Tests.Calls;

public sealed class PublishWaitTests
{
    private readonly PublishWait _wait = new();

    [Fact]
    public async Task TryStart_PublishCompletesLater_WaitCompletesWithIt()
    {
        var publish = new TaskCompletionSource();
        using var lifetime = new CancellationTokenSource();

        Assert.True(_wait.TryStart(publish.Task, lifetime.Token, out var wait));
        var pendingBefore = !wait.IsCompleted;
        publish.SetResult();
        await wait;

        Assert.True(pendingBefore);
    }

    [Fact]
    public async Task TryStart_PublishFails_WaitRethrowsItsException()
    {
        var publish = new TaskCompletionSource();
        using var lifetime = new CancellationTokenSource();
        Assert.True(_wait.TryStart(publish.Task, lifetime.Token, out var wait));

        publish.SetException(new TimeoutException("queue grain"));

        var ex = await Assert.ThrowsAsync<TimeoutException>(async () => await wait);
        Assert.Equal("queue grain", ex.Message);
    }

    [Fact]
    public async Task TryStart_TokenCancelledFirst_WaitThrowsOperationCanceledWithThatToken()
    {
        var publish = new TaskCompletionSource();
        using var lifetime = new CancellationTokenSource();
        Assert.True(_wait.TryStart(publish.Task, lifetime.Token, out var wait));

        await lifetime.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await wait);
        Assert.Equal(lifetime.Token, ex.CancellationToken);
    }

    [Fact]
    public async Task TryStart_TokenAlreadyCancelled_WaitIsCancelledAtOnce()
    {
        var publish = new TaskCompletionSource();
        using var lifetime = new CancellationTokenSource();
        await lifetime.CancelAsync();

        Assert.True(_wait.TryStart(publish.Task, lifetime.Token, out var wait));

        Assert.True(wait.IsCanceled);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await wait);
    }

    [Fact]
    public void TryStart_PreviousWaitNotAwaitedYet_ReturnsFalse()
    {
        var publish = new TaskCompletionSource();

        Assert.True(_wait.TryStart(publish.Task, CancellationToken.None, out _));
        Assert.False(_wait.TryStart(Task.CompletedTask, CancellationToken.None, out _));
    }

    [Fact]
    public async Task TryStart_AfterACancelledWait_TheEarlierPublishCompletingLaterDoesNotCompleteTheNextWait()
    {
        var abandoned = new TaskCompletionSource();
        using var first = new CancellationTokenSource();
        Assert.True(_wait.TryStart(abandoned.Task, first.Token, out var cancelled));
        await first.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await cancelled);
        var next = new TaskCompletionSource();

        Assert.True(_wait.TryStart(next.Task, CancellationToken.None, out var wait));
        abandoned.SetResult();
        var completedByTheAbandonedPublish = wait.IsCompleted;
        next.SetResult();
        await wait;

        Assert.False(completedByTheAbandonedPublish);
    }

    [Fact]
    public async Task TryStart_ReusedForManyPublishes_AllocatesNothingPerPublish()
    {
        const int Publishes = 1000;
        using var lifetime = new CancellationTokenSource();
        var publishes = new TaskCompletionSource[Publishes + 10];
        for (var i = 0; i < publishes.Length; i++)
        {
            publishes[i] = new TaskCompletionSource();
        }

        for (var i = 0; i < 10; i++)
        {
            await WaitForAsync(publishes[Publishes + i], lifetime.Token);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Publishes; i++)
        {
            await WaitForAsync(publishes[i], lifetime.Token);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>Starts a wait, completes the publish (as the queue grain's reply would), then awaits the wait.</summary>
    private async ValueTask WaitForAsync(TaskCompletionSource publish, CancellationToken cancellationToken)
    {
        Assert.True(_wait.TryStart(publish.Task, cancellationToken, out var wait));
        publish.SetResult();
        await wait;
    }
}
