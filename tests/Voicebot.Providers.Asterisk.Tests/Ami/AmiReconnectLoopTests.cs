using Microsoft.Extensions.Logging.Testing;
using Voicebot.Providers.Asterisk.Ami;
using Voicebot.Providers.Asterisk.Tests.Support;

namespace Voicebot.Providers.Asterisk.Tests.Ami;

public sealed class AmiReconnectLoopTests
{
    private static readonly AmiOptions Options = new()
    {
        Host = "pbx.example",
        Port = 5038,
        ReconnectMinDelay = TimeSpan.FromSeconds(1),
        ReconnectMaxDelay = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public async Task RunAsync_ConnectKeepsFailing_WaitsGrowFromAboutTheMinDelayUpToTheMaxDelay()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = new Harness([.. Enumerable.Repeat(AmiSessionOutcome.ConnectFailed, 8), AmiSessionOutcome.Stopped]);

        var delays = await harness.RunAsync(expectedWaits: 8, ct);

        Assert.InRange(delays[0], TimeSpan.FromTicks(1), 2 * Options.ReconnectMinDelay);   // jittered around the min delay
        for (var attempt = 1; attempt < delays.Count; attempt++)
        {
            Assert.True(delays[attempt] >= delays[attempt - 1], $"wait {attempt} shrank: {delays[attempt - 1]} then {delays[attempt]}");
            Assert.True(delays[attempt] <= Options.ReconnectMaxDelay, $"wait {attempt} is {delays[attempt]}");
        }

        Assert.Equal([Options.ReconnectMaxDelay, Options.ReconnectMaxDelay], delays[^2..]);
        Assert.Equal(9, harness.Attempts);
        Assert.Equal(Enumerable.Range(1, 8), harness.LoggedAttempts());
        Assert.Equal(delays, harness.LoggedDelays());
    }

    [Fact]
    public async Task RunAsync_LoginRefused_WaitsExactlyTheMaxDelayAndLeavesTheLogToTheRefusal()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = new Harness([AmiSessionOutcome.LoginRefused, AmiSessionOutcome.ConnectFailed, AmiSessionOutcome.Stopped]);

        var delays = await harness.RunAsync(expectedWaits: 2, ct);

        Assert.Equal(Options.ReconnectMaxDelay, delays[0]);
        Assert.Equal([2], harness.LoggedAttempts());   // the refusal counts as the first failed attempt
        Assert.Equal([delays[1]], harness.LoggedDelays());
        Assert.Equal(3, harness.Attempts);
    }

    [Fact]
    public async Task RunAsync_DropAfterRetries_StartsTheBackoffOver()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = new Harness(
        [
            AmiSessionOutcome.ConnectFailed, AmiSessionOutcome.ConnectFailed, AmiSessionOutcome.ConnectFailed,
            AmiSessionOutcome.Dropped, AmiSessionOutcome.ConnectFailed, AmiSessionOutcome.Stopped,
        ]);

        var delays = await harness.RunAsync(expectedWaits: 5, ct);

        Assert.Equal([delays[0], delays[1]], delays[3..]);   // after the drop: the first two waits again
        Assert.True(delays[2] > delays[0]);
        Assert.Equal([1, 2, 3, 1, 2], harness.LoggedAttempts());
        Assert.Equal(6, harness.Attempts);
    }

    [Fact]
    public async Task RunAsync_DroppedOnTheFirstAttempt_WaitsTheFirstBackoffThenGoesOn()
    {
        var ct = TestContext.Current.CancellationToken;
        var reference = await new Harness([AmiSessionOutcome.ConnectFailed, AmiSessionOutcome.ConnectFailed, AmiSessionOutcome.Stopped])
            .RunAsync(expectedWaits: 2, ct);
        var harness = new Harness([AmiSessionOutcome.Dropped, AmiSessionOutcome.ConnectFailed, AmiSessionOutcome.Stopped]);

        var delays = await harness.RunAsync(expectedWaits: 2, ct);

        Assert.Equal(reference, delays);
        Assert.Equal([1, 2], harness.LoggedAttempts());
    }

    [Fact]
    public async Task RunAsync_CancelledDuringAWait_ReturnsWithoutAnotherAttempt()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new TimerWatchingTimeProvider();
        var logs = new FakeLogCollector();
        var loop = new AmiReconnectLoop(Options, time, new FakeLogger(logs), () => 0.5);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var attempts = 0;

        var run = loop.RunAsync(_ => { attempts++; return Task.FromResult(AmiSessionOutcome.ConnectFailed); }, stopping.Token);
        await time.NextTimerAsync(ct);
        await stopping.CancelAsync();
        await run.WaitAsync(ct);

        Assert.True(run.IsCompletedSuccessfully);
        Assert.Equal(1, attempts);
    }

    /// <summary>Runs the loop on scripted outcomes, moving the fake clock on by each wait as soon as it starts.</summary>
    private sealed class Harness(AmiSessionOutcome[] script)
    {
        private readonly FakeLogCollector _logs = new();
        private int _next;

        public int Attempts => _next;

        public async Task<List<TimeSpan>> RunAsync(int expectedWaits, CancellationToken cancellationToken)
        {
            var time = new TimerWatchingTimeProvider();
            var loop = new AmiReconnectLoop(Options, time, new FakeLogger(_logs), randomizer: () => 0.5);
            var run = loop.RunAsync(_ => Task.FromResult(script[_next++]), cancellationToken);
            var delays = new List<TimeSpan>();
            for (var i = 0; i < expectedWaits; i++)
            {
                var delay = await time.NextTimerAsync(cancellationToken);
                delays.Add(delay);
                time.Fake.Advance(delay);
            }

            await run.WaitAsync(cancellationToken);
            Assert.Equal(script.Length, _next);
            return delays;
        }

        public IEnumerable<int> LoggedAttempts() =>
            Reconnecting().Select(r => int.Parse(r.GetStructuredStateValue("Attempt")!, System.Globalization.CultureInfo.InvariantCulture));

        /// <summary>The logged waits, truncated to whole milliseconds like the timers that run them.</summary>
        public IEnumerable<TimeSpan> LoggedDelays() =>
            Reconnecting()
                .Select(r => TimeSpan.Parse(r.GetStructuredStateValue("Delay")!, System.Globalization.CultureInfo.InvariantCulture))
                .Select(delay => TimeSpan.FromMilliseconds(Math.Floor(delay.TotalMilliseconds)));

        private IEnumerable<FakeLogRecord> Reconnecting() => _logs.GetSnapshot().Where(r => r.Id.Name == "AmiReconnecting");
    }
}
