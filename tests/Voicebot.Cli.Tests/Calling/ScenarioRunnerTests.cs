using Voicebot.Cli.Calling;
using Voicebot.Cli.Tests.Support;

namespace Voicebot.Cli.Tests.Calling;

public sealed class ScenarioRunnerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_PromptSayDtmfHangUp_ServerSeesSpeechThenKeysThenEof()
    {
        await using var server = FakeAudioSocketServer.Start();
        var accept = server.AcceptAsync(Token);
        var synthesizer = new FakeToneSynthesizer(seconds: 0.3);
        await using var caller = await SimulatedCaller.ConnectAsync(
            "127.0.0.1", server.Port, new SimulatedCallerOptions { BotSilenceToFinish = TimeSpan.FromMilliseconds(100) }, Token);
        await using var connection = await accept;
        await connection.SendAsync(FakeAudioSocketConnection.Frame(0x10, Tone.Pcm(0.1, 8000, 300, 6000)), Token);
        var scenario = CallScenarioLoader.Parse("""
            { "name": "t", "steps": [ { "waitForPrompt": {} }, { "say": "Jean Dupont" }, { "dtmf": "1#" }, { "hangUp": true } ] }
            """);
        var progress = new List<ScenarioProgress>();

        var result = await new ScenarioRunner(synthesizer).RunAsync(caller, scenario, new ListProgress(progress), Token);
        await connection.Closed.WaitAsync(TimeSpan.FromSeconds(5), Token);

        Assert.True(result.Completed, result.Failure);
        Assert.Equal(CallEndReason.CallerHungUp, result.EndReason);
        Assert.Equal(["Jean Dupont"], synthesizer.Texts);
        Assert.Equal([1, 2, 3, 4], progress.Select(p => p.StepNumber).ToArray());
        var frames = connection.Frames;
        var speech = frames.Count(f => f.IsAudio && !f.IsSilent);
        Assert.Equal(15, speech);   // 0.3 s resampled to 8 kHz = 2400 samples = 15 frames
        var lastSpeech = frames.FindLastIndex(f => f.IsAudio && !f.IsSilent);
        Assert.Equal("1#"u8.ToArray(), frames.Skip(lastSpeech).Where(f => f.Kind == 0x03).Select(f => f.Payload[0]).ToArray());
    }

    [Fact]
    public async Task RunAsync_WaitForHangupAndBotHangsUp_Completes()
    {
        await using var server = FakeAudioSocketServer.Start();
        var accept = server.AcceptAsync(Token);
        await using var caller = await SimulatedCaller.ConnectAsync("127.0.0.1", server.Port, cancellationToken: Token);
        await using var connection = await accept;
        var scenario = CallScenarioLoader.Parse("""{ "name": "t", "steps": [ { "waitForHangup": { "timeoutSeconds": 10 } } ] }""");

        var run = new ScenarioRunner(new FakeToneSynthesizer()).RunAsync(caller, scenario, cancellationToken: Token);
        await connection.SendAsync([0x00, 0x00, 0x00], Token);
        var result = await run;

        Assert.True(result.Completed, result.Failure);
        Assert.Equal(CallEndReason.BotHungUp, result.EndReason);
    }

    [Fact]
    public async Task RunAsync_BotNeverSpeaks_FailsAtTheWaitWithATimeout()
    {
        await using var server = FakeAudioSocketServer.Start();
        var accept = server.AcceptAsync(Token);
        await using var caller = await SimulatedCaller.ConnectAsync("127.0.0.1", server.Port, cancellationToken: Token);
        await using var connection = await accept;
        var scenario = CallScenarioLoader.Parse("""{ "name": "t", "steps": [ { "waitForPrompt": { "timeoutSeconds": 0.3 } }, { "dtmf": "1" } ] }""");

        var result = await new ScenarioRunner(new FakeToneSynthesizer()).RunAsync(caller, scenario, cancellationToken: Token);

        Assert.False(result.Completed);
        Assert.Equal(1, result.StepsRun);
        Assert.Contains("Step 1", result.Failure, StringComparison.Ordinal);
        Assert.DoesNotContain(connection.Frames, f => f.Kind == 0x03);
    }

    [Fact]
    public async Task RunAsync_BotHangsUpBeforeTheLastStep_ReportsTheEarlyEnd()
    {
        await using var server = FakeAudioSocketServer.Start();
        var accept = server.AcceptAsync(Token);
        await using var caller = await SimulatedCaller.ConnectAsync("127.0.0.1", server.Port, cancellationToken: Token);
        await using var connection = await accept;
        await connection.SendAsync([0x00, 0x00, 0x00], Token);
        await caller.Completion.WaitAsync(TimeSpan.FromSeconds(5), Token);
        var scenario = CallScenarioLoader.Parse("""{ "name": "t", "steps": [ { "dtmf": "1" } ] }""");

        var result = await new ScenarioRunner(new FakeToneSynthesizer()).RunAsync(caller, scenario, cancellationToken: Token);

        Assert.False(result.Completed);
        Assert.Equal(CallEndReason.BotHungUp, result.EndReason);
        Assert.Contains("BotHungUp", result.Failure, StringComparison.Ordinal);
    }

    private sealed class ListProgress(List<ScenarioProgress> list) : IProgress<ScenarioProgress>
    {
        public void Report(ScenarioProgress value) => list.Add(value);
    }
}
