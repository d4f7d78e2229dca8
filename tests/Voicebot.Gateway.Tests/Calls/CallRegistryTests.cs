using Microsoft.Extensions.Options;
using Voicebot.Gateway.Calls;

namespace Voicebot.Gateway.Tests.Calls;

public sealed class CallRegistryTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 6, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TryAdmit_OverLimit_ReturnsBusyUntilASlotIsReleased()
    {
        var registry = new CallRegistry(Options.Create(new AudioSocketOptions { MaxConcurrentCalls = 2 }));
        var first = Guid.NewGuid();

        var admitted = new[] { registry.TryAdmit(first, Now), registry.TryAdmit(Guid.NewGuid(), Now) };
        var refused = registry.TryAdmit(Guid.NewGuid(), Now);
        registry.Release(first);
        var afterRelease = registry.TryAdmit(Guid.NewGuid(), Now);

        Assert.All(admitted, a => Assert.Equal(CallAdmission.Admitted, a));
        Assert.Equal(CallAdmission.Busy, refused);
        Assert.Equal(CallAdmission.Admitted, afterRelease);
        Assert.Equal(2, registry.ActiveCalls);
    }

    [Fact]
    public void TryAdmit_SameCallIdTwice_ReturnsDuplicateAndKeepsOneSlot()
    {
        var registry = new CallRegistry(Options.Create(new AudioSocketOptions()));
        var callId = Guid.NewGuid();

        registry.TryAdmit(callId, Now);
        var second = registry.TryAdmit(callId, Now);

        Assert.Equal(CallAdmission.Duplicate, second);
        Assert.Equal(1, registry.ActiveCalls);
        Assert.True(registry.Contains(callId));
    }

    [Fact]
    public async Task TryAdmit_ManyThreads_NeverExceedsLimit()
    {
        var registry = new CallRegistry(Options.Create(new AudioSocketOptions { MaxConcurrentCalls = 5 }));

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => registry.TryAdmit(Guid.NewGuid(), Now))));

        Assert.Equal(5, results.Count(r => r == CallAdmission.Admitted));
        Assert.Equal(5, registry.ActiveCalls);
    }

    [Fact]
    public void Close_ThenTryAdmit_ReturnsDrainingAndTakesNoSlot()
    {
        var registry = new CallRegistry(Options.Create(new AudioSocketOptions()));

        registry.Close();
        var admission = registry.TryAdmit(Guid.NewGuid(), Now);

        Assert.Equal(CallAdmission.Draining, admission);
        Assert.Equal(0, registry.ActiveCalls);
        Assert.True(registry.Emptied.IsCompleted);
    }

    [Fact]
    public void Close_WithCallsActive_EmptiedCompletesWhenTheLastIsReleased()
    {
        var registry = new CallRegistry(Options.Create(new AudioSocketOptions()));
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        registry.TryAdmit(first, Now);
        registry.TryAdmit(second, Now);

        registry.Close();
        registry.Release(first);
        var emptiedWithOneLeft = registry.Emptied.IsCompleted;
        registry.Release(second);

        Assert.False(emptiedWithOneLeft);
        Assert.True(registry.Emptied.IsCompleted);
    }

    [Fact]
    public async Task Close_RacingAdmissions_EveryCallIsRefusedOrCountedUntilReleased()
    {
        var registry = new CallRegistry(Options.Create(new AudioSocketOptions { MaxConcurrentCalls = 10_000 }));

        var admissions = Enumerable.Range(0, 200).Select(_ => Task.Run(() =>
        {
            var callId = Guid.NewGuid();
            return (CallId: callId, Admission: registry.TryAdmit(callId, Now));
        })).ToArray();
        registry.Close();
        var results = await Task.WhenAll(admissions);
        var admitted = results.Where(r => r.Admission == CallAdmission.Admitted).ToArray();
        var emptiedBeforeReleases = registry.Emptied.IsCompleted;
        foreach (var call in admitted)
        {
            registry.Release(call.CallId);
        }

        Assert.All(results, r => Assert.Contains(r.Admission, new[] { CallAdmission.Admitted, CallAdmission.Draining }));
        Assert.Equal(admitted.Length == 0, emptiedBeforeReleases);
        Assert.True(registry.Emptied.IsCompleted);
    }
}
