using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Voicebot.Providers.Asterisk.Ami;
using Voicebot.Providers.Asterisk.Tests.Support;
using Voicebot.Testing.Emulators.Ami;

namespace Voicebot.Providers.Asterisk.Tests.Ami;

public sealed class AmiClientTests
{
    [Fact]
    public async Task Start_GoodCredentials_ReadsBannerAndLogsIn()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);

        await using var ami = await AmiTestClient.StartAsync(AmiTestClient.OptionsFor(emulator), cancellationToken: ct);

        Assert.True(ami.Client.IsConnected);
        Assert.Equal("Asterisk Call Manager/13.0.0", ami.Client.Banner);
        Assert.Equal(1, emulator.SuccessfulLogins);
        Assert.Equal("off", emulator.LastLoginEvents);
        Assert.Contains(ami.Logs.GetSnapshot(), r => r.Id.Name == "AmiConnected");
    }

    [Fact]
    public async Task Start_BadSecret_LogsClearErrorWithoutTheSecretAndRetriesAfterTheMaxDelay()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        var time = new FakeTimeProvider();
        var options = AmiTestClient.OptionsFor(emulator);
        options.Secret = "wrong-secret-1234";
        options.ReconnectMaxDelay = TimeSpan.FromSeconds(30);

        await using var ami = await AmiTestClient.StartAsync(options, time, waitForLogin: false, ct);
        await AmiEmulator.WaitUntilAsync(() => ami.Logs.GetSnapshot().Any(r => r.Id.Name == "AmiLoginRefused"), ct);

        var refused = ami.Logs.GetSnapshot().Single(r => r.Id.Name == "AmiLoginRefused");
        Assert.Equal(LogLevel.Error, refused.Level);
        Assert.Contains("Authentication failed", refused.Message, StringComparison.Ordinal);
        Assert.Contains("00:00:30", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ami.Logs.GetSnapshot(), r => r.Message.Contains("wrong-secret-1234", StringComparison.Ordinal));
        Assert.False(ami.Client.IsConnected);
        Assert.Equal(1, emulator.FailedLogins);
        Assert.False(ami.Client.ExecuteTask!.IsCompleted);   // still running: the host is not brought down

        // The operator fixes manager.conf: the next attempt, after the max delay, is accepted.
        emulator.Secret = "wrong-secret-1234";
        await AdvanceUntilAsync(time, TimeSpan.FromSeconds(1), () => ami.Client.IsConnected, ct);
        Assert.Equal(1, emulator.SuccessfulLogins);
    }

    [Fact]
    public async Task Start_LoginRefusedOnce_RetriesAndConnects()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        emulator.RefuseNextLogins(1);

        await using var ami = await AmiTestClient.StartAsync(AmiTestClient.OptionsFor(emulator), cancellationToken: ct);

        Assert.Equal(1, emulator.FailedLogins);
        Assert.Equal(1, emulator.SuccessfulLogins);
        Assert.True(ami.Client.IsConnected);
    }

    [Fact]
    public async Task Start_NothingListening_KeepsRetryingWithoutThrowing()
    {
        var ct = TestContext.Current.CancellationToken;
        int port;
        await using (var gone = await AmiEmulator.StartAsync(ct))
        {
            port = gone.Port;
        }

        var options = new AmiOptions { Enabled = true, Port = port, Username = "u", Secret = "s", ReconnectMinDelay = TimeSpan.FromMilliseconds(5), ReconnectMaxDelay = TimeSpan.FromMilliseconds(20) };
        await using var ami = await AmiTestClient.StartAsync(options, waitForLogin: false, cancellationToken: ct);
        await AmiEmulator.WaitUntilAsync(() => ami.Logs.GetSnapshot().Count(r => r.Id.Name == "AmiConnectFailed") >= 3, ct);

        Assert.False(ami.Client.IsConnected);
        Assert.False(ami.Client.ExecuteTask!.IsCompleted);
        await Assert.ThrowsAsync<AmiUnavailableException>(() => ami.Client.SendAsync(new AmiAction("Ping"), ct));
    }

    [Fact]
    public async Task SendAsync_ConcurrentActionsAnsweredOutOfOrder_EachGetsItsOwnReply()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        emulator.SetQueue("technicians", available: 1);
        for (var i = 0; i < 20; i++)
        {
            emulator.SetGlobalVariable($"V{i}", $"value-{i}");
        }

        var holdSummary = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        emulator.ActionGates["QueueSummary"] = holdSummary.Task;   // answered only once every Getvar has its reply
        await using var ami = await AmiTestClient.StartAsync(AmiTestClient.OptionsFor(emulator), cancellationToken: ct);

        var slow = ami.Client.SendAsync(new AmiAction("QueueSummary"), ct);
        var gets = Enumerable.Range(0, 20)
            .Select(i => ami.Client.SendAsync(new AmiAction("Getvar") { ["Variable"] = $"V{i}" }, ct))
            .ToArray();
        var replies = await Task.WhenAll(gets);
        holdSummary.SetResult();
        var summary = await slow;

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal($"V{i}", replies[i].Message["Variable"]);
            Assert.Equal($"value-{i}", replies[i].Message["Value"]);
        }

        Assert.Equal("technicians", Assert.Single(summary.Events)["Queue"]);
        Assert.Equal("QueueSummary", emulator.ReplyOrder[^1]);   // it was sent first and answered last
    }

    [Fact]
    public async Task SendAsync_ListAction_CollectsEveryEventUpToTheCompletion()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        emulator.SetQueue("billing", available: 0, loggedIn: 3);
        emulator.SetQueue("sales", available: 1);
        emulator.SetQueue("technicians", available: 2, loggedIn: 4, callers: 1);
        await using var ami = await AmiTestClient.StartAsync(AmiTestClient.OptionsFor(emulator), cancellationToken: ct);

        var reply = await ami.Client.SendAsync(new AmiAction("QueueSummary"), ct);

        Assert.True(reply.IsSuccess);
        Assert.Equal(["billing", "sales", "technicians"], reply.Events.Select(e => e["Queue"]));
        Assert.All(reply.Events, e => Assert.Equal("QueueSummary", e.EventName));
        Assert.Equal("2", reply.Events[2]["Available"]);
        Assert.Equal("QueueSummaryComplete", reply.Completion!.EventName);
        Assert.Equal("3", reply.Completion["ListItems"]);
    }

    [Fact]
    public async Task SendAsync_ErrorReply_IsReturnedNotThrown()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        await using var ami = await AmiTestClient.StartAsync(AmiTestClient.OptionsFor(emulator), cancellationToken: ct);

        var reply = await ami.Client.SendAsync(new AmiAction("Redirect") { ["Channel"] = "PJSIP/nobody", ["Context"] = "x", ["Exten"] = "s", ["Priority"] = "1" }, ct);

        Assert.False(reply.IsSuccess);
        Assert.Equal("Channel does not exist: PJSIP/nobody", reply.MessageText);
        Assert.True(ami.Client.IsConnected);
    }

    [Fact]
    public async Task EventReceived_UnsolicitedEvent_IsRaisedWhenTheLoginAskedForEvents()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        var options = AmiTestClient.OptionsFor(emulator);
        options.Events = "call";
        await using var ami = await AmiTestClient.StartAsync(options, cancellationToken: ct);
        var received = new TaskCompletionSource<AmiMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        ami.Client.EventReceived += (_, message) => received.TrySetResult(message);

        await emulator.EmitEventAsync("Newchannel", [new("Channel", "PJSIP/sav-00000007"), new("Exten", "777")], ct);
        var message = await received.Task.WaitAsync(ct);

        Assert.Equal("call", emulator.LastLoginEvents);
        Assert.Equal("Newchannel", message.EventName);
        Assert.Equal("PJSIP/sav-00000007", message["Channel"]);
    }

    [Fact]
    public async Task EventReceived_HandlerThrows_ConnectionKeepsWorking()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        var options = AmiTestClient.OptionsFor(emulator);
        options.Events = "on";
        await using var ami = await AmiTestClient.StartAsync(options, cancellationToken: ct);
        ami.Client.EventReceived += (_, _) => throw new InvalidOperationException("handler bug");

        await emulator.EmitEventAsync("Hangup", [new("Channel", "PJSIP/sav-00000007")], ct);
        var reply = await ami.Client.SendAsync(new AmiAction("Ping"), ct);

        Assert.True(reply.IsSuccess);
        Assert.Contains(ami.Logs.GetSnapshot(), r => r.Id.Name == "AmiEventHandlerFailed");
    }

    [Fact]
    public async Task Connection_DroppedByAsterisk_FailsPendingActionsThenReconnectsAndLogsInAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        emulator.UnansweredActions["QueueSummary"] = 0;
        var options = AmiTestClient.OptionsFor(emulator);
        options.RequestTimeout = TimeSpan.FromMinutes(1);
        await using var ami = await AmiTestClient.StartAsync(options, cancellationToken: ct);
        var pending = ami.Client.SendAsync(new AmiAction("QueueSummary"), ct);
        await AmiEmulator.WaitUntilAsync(() => emulator.CountActions("QueueSummary") == 1, ct);

        emulator.DropAllConnections();

        var failure = await Assert.ThrowsAsync<AmiUnavailableException>(() => pending);
        Assert.Contains("connection lost", failure.Message, StringComparison.Ordinal);
        await AmiEmulator.WaitUntilAsync(() => emulator.SuccessfulLogins == 2 && ami.Client.IsConnected, ct);
        Assert.True((await ami.Client.SendAsync(new AmiAction("Ping"), ct)).IsSuccess);
        Assert.Contains(ami.Logs.GetSnapshot(), r => r.Id.Name == "AmiDisconnected");
        Assert.Equal(2, emulator.Connections);
    }

    [Fact]
    public async Task Connection_DroppedRepeatedly_ReconnectsEachTime()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        await using var ami = await AmiTestClient.StartAsync(AmiTestClient.OptionsFor(emulator), cancellationToken: ct);

        for (var drop = 1; drop <= 3; drop++)
        {
            emulator.DropAllConnections();
            await AmiEmulator.WaitUntilAsync(() => emulator.SuccessfulLogins == drop + 1, ct);
            await ami.Client.WaitUntilConnectedAsync(ct);
        }

        Assert.True((await ami.Client.SendAsync(new AmiAction("Ping"), ct)).IsSuccess);
    }

    [Fact]
    public async Task KeepAlive_PingsOnTheInterval()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        var time = new FakeTimeProvider();
        var options = AmiTestClient.OptionsFor(emulator);
        options.PingInterval = TimeSpan.FromSeconds(20);
        options.RequestTimeout = TimeSpan.FromHours(1);   // fake time jumps must not time a ping out
        await using var ami = await AmiTestClient.StartAsync(options, time, cancellationToken: ct);

        await AdvanceUntilAsync(time, TimeSpan.FromSeconds(20), () => emulator.CountActions("Ping") >= 2, ct);

        Assert.True(ami.Client.IsConnected);
        Assert.Equal(1, emulator.SuccessfulLogins);
    }

    [Fact]
    public async Task KeepAlive_PingUnanswered_DropsTheConnectionAndReconnects()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        emulator.UnansweredActions["Ping"] = 0;
        var options = AmiTestClient.OptionsFor(emulator);
        options.PingInterval = TimeSpan.FromMilliseconds(20);
        options.RequestTimeout = TimeSpan.FromMilliseconds(100);
        await using var ami = await AmiTestClient.StartAsync(options, cancellationToken: ct);

        await AmiEmulator.WaitUntilAsync(() => emulator.SuccessfulLogins >= 2, ct);

        Assert.Contains(ami.Logs.GetSnapshot(), r => r.Id.Name == "AmiPingFailed");
    }

    [Fact]
    public async Task StopAsync_Connected_LogsOffWithoutReportingALostConnection()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        var ami = await AmiTestClient.StartAsync(AmiTestClient.OptionsFor(emulator), cancellationToken: ct);

        await ami.DisposeAsync();

        Assert.Equal(1, emulator.CountActions("Logoff"));
        Assert.False(ami.Client.IsConnected);
        Assert.DoesNotContain(ami.Logs.GetSnapshot(), r => r.Id.Name is "AmiDisconnected" or "AmiReconnecting");
        Assert.True(ami.Client.ExecuteTask!.IsCompletedSuccessfully);
    }

    /// <summary>Advances fake time step by step until <paramref name="condition"/> holds (the client registers its timers asynchronously).</summary>
    private static async Task AdvanceUntilAsync(FakeTimeProvider time, TimeSpan step, Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            time.Advance(step);
            await Task.Delay(20, cancellationToken);
        }
    }
}
