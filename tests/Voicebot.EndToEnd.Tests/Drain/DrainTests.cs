using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Voicebot.Cli.Calling;
using Voicebot.Providers.Espeak;

using Voicebot.Testing.Processes;

namespace Voicebot.EndToEnd.Tests.Drain;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DrainCollection
{
    public const string Name = "Drain (child processes; one at a time so only the first renders the phrases)";
}

/// <summary>
/// Restarting without dropping calls: the real <c>voicebot serve</c> as a child process, a call in flight over real TCP,
/// then SIGTERM, as systemd sends it.
/// </summary>
[Collection(DrainCollection.Name)]
public sealed class DrainTests(VoicebotHostFixture fixture)
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task SigTerm_CallEndsBeforeTheDeadline_NewCallsAreRefusedTheCallFinishesAndTheProcessExitsZero()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var voicebot = await StartVoicebotAsync(new() { ["Drain__Deadline"] = "00:02:00", ["Drain__OutcomeLinger"] = "00:00:05" }, ct);
        var scenario = await CallScenarioLoader.LoadAsync("internet-fixed", ct);
        var callId = Guid.NewGuid();
        using var voice = new EspeakSpeechSynthesizer(Options.Create(new EspeakOptions { Pitch = 35 }), NullLogger<EspeakSpeechSynthesizer>.Instance);
        await using var caller = await SimulatedCaller.ConnectAsync(
            "127.0.0.1", voicebot.AudioSocketPort, new SimulatedCallerOptions { CallId = callId }, ct);
        var call = new ScenarioRunner(voice).RunAsync(caller, scenario, progress: null, ct);
        await voicebot.WaitForLineAsync($"Call {callId}: WELCOME → IDENTIFICATION_NAME", TimeSpan.FromSeconds(30), ct);

        await voicebot.TerminateAsync(ct);
        await voicebot.WaitForLineAsync("Draining for shutdown: 1 calls active", TimeSpan.FromSeconds(30), ct);
        var refused = await Assert.ThrowsAsync<SocketException>(() => SimulatedCaller.ConnectAsync("127.0.0.1", voicebot.AudioSocketPort, cancellationToken: ct));
        using var readiness = await voicebot.Http.GetAsync(new Uri("/health/ready", UriKind.Relative), ct);
        var result = await call;
        var outcome = await OutcomeAsync(voicebot, callId, ct);
        var exitCode = await voicebot.WaitForExitAsync(ExitTimeout, ct);

        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, readiness.StatusCode);
        Assert.True(result.Completed, result.Failure);
        Assert.Equal(CallEndReason.BotHungUp, caller.EndReason);
        var heard = new BotPhraseMatcher(await fixture.PhrasesAsync(8000, ct), 8000).Match(caller.GetReceivedAudio());
        Assert.Equal("goodbye_resolved", heard[^1].PhraseKey);
        Assert.DoesNotContain(heard, h => h.PhraseKey == "shutdown_goodbye");
        Assert.Equal("resolved", outcome.GetProperty("outcome").GetString());
        Assert.Equal(0, exitCode);
        Assert.Contains(voicebot.Output, line => line.Contains("Drain finished", StringComparison.Ordinal)
            && line.Contains("1 calls ended on their own, 0 heard the goodbye", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SigTerm_CallStillActiveAtTheDeadline_HearsTheGoodbyeEndsAsShutdownAndTheProcessExitsZero()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var voicebot = await StartVoicebotAsync(new() { ["Drain__Deadline"] = "00:00:02", ["Drain__OutcomeLinger"] = "00:00:10" }, ct);
        var callId = Guid.NewGuid();
        await using var caller = await SimulatedCaller.ConnectAsync(
            "127.0.0.1", voicebot.AudioSocketPort, new SimulatedCallerOptions { CallId = callId }, ct);
        await caller.WaitForPromptAsync(TimeSpan.FromSeconds(30), cancellationToken: ct);   // the welcome: the call is up

        await voicebot.TerminateAsync(ct);
        // A load balancer or Kubernetes keeps probing readiness through the drain: 503 each time, and no error logged.
        for (var probe = 0; probe < 20; probe++)
        {
            using var ready = await voicebot.Http.GetAsync(new Uri("/health/ready", UriKind.Relative), ct);
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        var ending = await caller.WaitForHangupAsync(TimeSpan.FromSeconds(60), ct);
        var outcome = await OutcomeAsync(voicebot, callId, ct);
        var exitCode = await voicebot.WaitForExitAsync(ExitTimeout, ct);

        Assert.Equal(CallEndReason.BotHungUp, ending);
        var heard = new BotPhraseMatcher(await fixture.PhrasesAsync(8000, ct), 8000).Match(caller.GetReceivedAudio());
        Assert.Equal("shutdown_goodbye", heard[^1].PhraseKey);
        Assert.Equal("shutdown", outcome.GetProperty("reason").GetString());
        Assert.Equal("error", outcome.GetProperty("outcome").GetString());
        Assert.Equal(0, exitCode);
        Assert.Contains(voicebot.Output, line => line.Contains($"Call {callId}: playing the shutdown goodbye", StringComparison.Ordinal));
        Assert.Contains(voicebot.Output, line => line.Contains("0 calls ended on their own, 1 heard the goodbye", StringComparison.Ordinal));
        Assert.DoesNotContain(voicebot.Output, line => line.Contains(" ERR]", StringComparison.Ordinal));
    }

    /// <summary>What the dialplan reads once <c>AudioSocket()</c> returns: the outcome endpoint, still served during the drain.</summary>
    /// <summary>The product with <paramref name="drain"/> settings; the phrase cache is shared by every run, so only the first renders.</summary>
    private static Task<VoicebotServeProcess> StartVoicebotAsync(Dictionary<string, string> drain, CancellationToken ct)
    {
        drain["PhraseCache__Directory"] = Path.Combine(AppContext.BaseDirectory, "data", "drain-phrase-cache");
        drain["Serilog__MinimumLevel__Default"] = "Information";
        return VoicebotServeProcess.StartAsync(new VoicebotServeSettings { Environment = drain, StopTimeout = TimeSpan.FromSeconds(5) }, ct);
    }

    private static async Task<JsonElement> OutcomeAsync(VoicebotServeProcess voicebot, Guid callId, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var response = await voicebot.Http.GetAsync(new Uri($"/calls/{callId}/outcome?format=json", UriKind.Relative), ct);
            if (response.IsSuccessStatusCode)
            {
                return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            }

            await Task.Delay(50, ct);
        }

        throw new InvalidOperationException($"No outcome for call {callId}. Output:\n{string.Join('\n', voicebot.Output)}");
    }
}
