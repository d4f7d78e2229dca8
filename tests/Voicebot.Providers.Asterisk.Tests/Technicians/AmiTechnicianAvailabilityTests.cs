using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Voicebot.Providers.Asterisk.Technicians;
using Voicebot.Providers.Asterisk.Tests.Support;
using Voicebot.Testing.Emulators.Ami;

namespace Voicebot.Providers.Asterisk.Tests.Technicians;

public sealed class AmiTechnicianAvailabilityTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogCollector _logs = new();

    [Fact]
    public async Task IsAvailableAsync_QueueHasAnAvailableMember_ReturnsTrue()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        emulator.SetQueue("technicians", available: 1, loggedIn: 3, callers: 0);
        emulator.SetQueue("sales", available: 0);
        await using var ami = await AmiTestClient.StartAsync(AmiTestClient.OptionsFor(emulator), cancellationToken: ct);
        var availability = Create(ami);
        var callId = Guid.NewGuid();

        var available = await availability.IsAvailableAsync(callId, ct);

        Assert.True(available);
        var log = Assert.Single(_logs.GetSnapshot(), r => r.Id.Name == "AmiTechnicianAvailabilityChecked");
        Assert.Contains(callId.ToString(), log.Message, StringComparison.Ordinal);
        Assert.Contains("1 available of 3 logged in", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IsAvailableAsync_NoAvailableMember_ReturnsFalse()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        emulator.SetQueue("technicians", available: 0, loggedIn: 2, callers: 1);
        await using var ami = await AmiTestClient.StartAsync(AmiTestClient.OptionsFor(emulator), cancellationToken: ct);

        Assert.False(await Create(ami).IsAvailableAsync(Guid.NewGuid(), ct));
    }

    [Fact]
    public async Task IsAvailableAsync_QueueUnknownToAsterisk_ReturnsFalseAndSaysSo()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        emulator.SetQueue("sales", available: 4);
        await using var ami = await AmiTestClient.StartAsync(AmiTestClient.OptionsFor(emulator), cancellationToken: ct);

        Assert.False(await Create(ami).IsAvailableAsync(Guid.NewGuid(), ct));
        Assert.Contains(_logs.GetSnapshot(), r => r.Id.Name == "AmiQueueNotFound");
    }

    [Fact]
    public async Task IsAvailableAsync_WithinTheCacheDuration_ReusesTheAnswerThenAsksAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        emulator.SetQueue("technicians", available: 1);
        await using var ami = await AmiTestClient.StartAsync(AmiTestClient.OptionsFor(emulator), cancellationToken: ct);
        var availability = Create(ami);   // cache 2 s

        Assert.True(await availability.IsAvailableAsync(Guid.NewGuid(), ct));
        emulator.SetQueue("technicians", available: 0);
        _time.Advance(TimeSpan.FromSeconds(1.9));
        var cached = await availability.IsAvailableAsync(Guid.NewGuid(), ct);
        _time.Advance(TimeSpan.FromSeconds(0.2));
        var fresh = await availability.IsAvailableAsync(Guid.NewGuid(), ct);

        Assert.True(cached);
        Assert.False(fresh);
        Assert.Equal(2, emulator.CountActions("QueueSummary"));
    }

    [Fact]
    public async Task IsAvailableAsync_BurstOfConcurrentCalls_SendsOneQueueSummary()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        emulator.SetQueue("technicians", available: 2);
        var holdSummary = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        emulator.ActionGates["QueueSummary"] = holdSummary.Task;   // unanswered until all 20 calls have asked
        await using var ami = await AmiTestClient.StartAsync(AmiTestClient.OptionsFor(emulator), cancellationToken: ct);
        var availability = Create(ami);

        var asking = Enumerable.Range(0, 20).Select(_ => availability.IsAvailableAsync(Guid.NewGuid(), ct).AsTask()).ToArray();
        holdSummary.SetResult();
        var answers = await Task.WhenAll(asking);

        Assert.All(answers, Assert.True);
        Assert.Equal(1, emulator.CountActions("QueueSummary"));
        Assert.Equal(1, availability.QueriesSent);
    }

    [Fact]
    public async Task IsAvailableAsync_AmiDown_AnswersNotAvailableAtOnceAndLogs()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        var options = AmiTestClient.OptionsFor(emulator);
        options.Port = emulator.Port;
        await using var ami = await AmiTestClient.StartAsync(options, cancellationToken: ct);
        emulator.RefuseNextLogins(int.MaxValue);
        emulator.DropAllConnections();
        await AmiEmulator.WaitUntilAsync(() => !ami.Client.IsConnected, ct);
        var callId = Guid.NewGuid();

        var answer = Create(ami).IsAvailableAsync(callId, ct);

        Assert.True(answer.IsCompleted);   // no network round trip, no wait
        Assert.False(await answer);
        var log = Assert.Single(_logs.GetSnapshot(), r => r.Id.Name == "AmiTechnicianAvailabilityUnknown");
        Assert.Contains(callId.ToString(), log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IsAvailableAsync_AmiSilent_AnswersNotAvailableAfterTheRequestTimeout()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        emulator.SetQueue("technicians", available: 1);
        emulator.UnansweredActions["QueueSummary"] = 0;
        var options = AmiTestClient.OptionsFor(emulator);
        options.RequestTimeout = TimeSpan.FromMilliseconds(100);
        await using var ami = await AmiTestClient.StartAsync(options, cancellationToken: ct);

        Assert.False(await Create(ami).IsAvailableAsync(Guid.NewGuid(), ct));
        Assert.Contains(_logs.GetSnapshot(), r => r.Id.Name == "AmiTechnicianAvailabilityUnknown");
    }

    private AmiTechnicianAvailability Create(AmiTestClient ami) =>
        new(ami.Client, AmiTestClient.Wrap(ami.Options), _time, AmiTestClient.Logger<AmiTechnicianAvailability>(_logs));
}
