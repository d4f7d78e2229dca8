using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Calls;
using Voicebot.Cli.Calling;
using Voicebot.Protocol;
using Voicebot.Providers.Espeak;

namespace Voicebot.EndToEnd.Tests;

/// <summary>Everything observed about one simulated call: the caller's side and the bot's side.</summary>
public sealed record ScenarioRun(
    Guid CallId,
    CallScenario Scenario,
    int SampleRate,
    ScenarioResult Result,
    CallEndReason? EndReason,
    IReadOnlyList<ReceivedFrame> Frames,
    IReadOnlyList<string> ProtocolViolations,
    IReadOnlyList<BotAudioSegment> Heard,
    JsonElement Outcome,
    CallSnapshot Snapshot,
    double ProductTickLatenessMaxMs = 0,
    long ProductTicks = 0)
{
    public string OutcomeWord => Outcome.GetProperty("outcome").GetString()!;

    public IReadOnlyList<string> States => Outcome.GetProperty("states").EnumerateArray().Select(s => s.GetString()!).ToArray();

    /// <summary>Phrase keys the grain queued, in order (its history).</summary>
    public IReadOnlyList<string> PhrasesQueued => Snapshot.History.Where(t => t.Kind == TurnKind.Phrase).Select(t => t.Content).ToArray();
}

/// <summary>Runs a scenario file against the fixture's bot over real TCP, as Asterisk would, and gathers what happened.</summary>
public static class ScenarioCall
{
    public static async Task<ScenarioRun> RunAsync(
        VoicebotHostFixture fixture,
        string scenarioName,
        CancellationToken cancellationToken,
        int? sampleRate = null,
        bool technicianAvailable = true,
        TaskCompletionSource<SimulatedCaller>? connected = null)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var scenario = await CallScenarioLoader.LoadAsync(scenarioName, cancellationToken);
        var callId = Guid.NewGuid();
        fixture.Technicians.Set(callId, technicianAvailable);
        var rate = sampleRate ?? scenario.SampleRate ?? 8000;

        using var productLateness = new ProductLatenessListener();
        using var voice = new EspeakSpeechSynthesizer(Options.Create(new EspeakOptions { Pitch = 35 }), NullLogger<EspeakSpeechSynthesizer>.Instance);
        await using var caller = await SimulatedCaller.ConnectAsync(
            "127.0.0.1", fixture.AudioSocketPort, new SimulatedCallerOptions { CallId = callId, SampleRate = rate }, cancellationToken);
        connected?.TrySetResult(caller);   // for a test that acts while the call is up
        var result = await new ScenarioRunner(voice).RunAsync(caller, scenario, progress: null, cancellationToken);
        if (caller.EndReason is null)
        {
            await caller.HangUpAsync();
        }

        var outcome = await WaitForOutcomeAsync(fixture, callId, cancellationToken);
        var snapshot = await fixture.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ICallGrain>(callId).GetSnapshotAsync();
        var phrases = await fixture.PhrasesAsync(rate, cancellationToken);
        var heard = new BotPhraseMatcher(phrases, rate).Match(caller.GetReceivedAudio());
        return new ScenarioRun(
            callId, scenario, rate, result, caller.EndReason, caller.GetReceivedFrames(), caller.ProtocolViolations, heard, outcome, snapshot,
            productLateness.MaxMilliseconds, productLateness.Ticks);
    }

    /// <summary>The dialplan's view: <c>GET /calls/{id}/outcome?format=json</c>, once the call has ended.</summary>
    public static async Task<JsonElement> WaitForOutcomeAsync(VoicebotHostFixture fixture, Guid callId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var last = string.Empty;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            using var response = await fixture.Http.GetAsync(new Uri($"/calls/{callId}/outcome?format=json", UriKind.Relative), cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            }

            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException($"No outcome for call {callId}; last answer: {last}");
    }

    /// <summary>
    /// The caller heard exactly the cached phrases the bot queued, in order, and nothing else: every non-silent stretch
    /// of received audio is a whole phrase, byte for byte.
    /// </summary>
    public static void AssertHeardExactlyWhatTheBotQueued(ScenarioRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        Assert.All(run.Heard, segment => Assert.Equal(BotAudioSegmentKind.Phrase, segment.Kind));
        Assert.Equal(run.PhrasesQueued, run.Heard.Select(s => s.PhraseKey!).ToArray());
    }

    /// <summary>Outbound frames are paced (judged loosely: these machines are shared) and of the call's kind and size.</summary>
    public static void AssertPaced(ScenarioRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        Assert.Empty(run.ProtocolViolations);
        var kind = AudioSocketKinds.AudioKindFor(run.SampleRate);
        var audio = run.Frames.Where(f => f.Kind != AudioSocketKind.Hangup).ToArray();
        Assert.All(audio, f => Assert.Equal(kind, f.Kind));
        Assert.All(audio, f => Assert.Equal(AudioSocketKinds.FrameBytes(run.SampleRate), f.Pcm.Length));

        var span = audio[^1].ArrivedAt - audio[0].ArrivedAt;
        var expected = span.TotalMilliseconds / 20;
        Assert.InRange(audio.Length, (int)(expected * 0.85), (int)(expected * 1.15) + 2);
        var gaps = FrameGapStatistics.From(audio);
        Assert.InRange(gaps.P50.TotalMilliseconds, 10, 30);
        // A long gap while the product's own ticks all ran on time was made after its socket: this test process's
        // receive loop, starved on a loaded machine (CI logged a thread-pool stall of 1.1 s). A late tick keeps it the
        // product's.
        Assert.True(run.ProductTicks > 0, "the product's ticks were not heard: its lateness proves nothing");
        Assert.True(
            gaps.Max < TimeSpan.FromMilliseconds(500) || run.ProductTickLatenessMaxMs < 100,
            $"largest gap {gaps.Max.TotalMilliseconds} ms; the product's latest tick {run.ProductTickLatenessMaxMs} ms late");
    }

    /// <summary>The scenario file's own expectations: outcome (spelling-insensitive) and the exact states.</summary>
    public static void AssertScenarioExpectations(ScenarioRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        Assert.True(run.Result.Completed, run.Result.Failure);
        if (run.Scenario.Expect is not { } expect)
        {
            return;
        }

        if (expect.Outcome is { } outcome)
        {
            Assert.Equal(Normalize(outcome), Normalize(run.OutcomeWord));
        }

        if (expect.States is { } states)
        {
            Assert.Equal(states, run.States);
        }

        if (expect.Phrases is { } && run.Scenario.Expect.FindPhraseMismatch(run.Heard.Select(h => h.PhraseKey ?? "?").ToArray()) is { } mismatch)
        {
            Assert.Fail(mismatch);
        }
    }

    private static string Normalize(string word) => word.Replace("-", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
}
