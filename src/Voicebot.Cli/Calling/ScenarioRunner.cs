using Voicebot.Abstractions.Speech;

namespace Voicebot.Cli.Calling;

/// <summary>Plays a <see cref="CallScenario"/> through a <see cref="SimulatedCaller"/>. Thread-safe; one run per caller.</summary>
/// <param name="synthesizer">Voice of the caller's spoken lines.</param>
public sealed class ScenarioRunner(ISpeechSynthesizer synthesizer)
{
    /// <summary>
    /// Runs the steps in order, then hangs up if the call is still up. Never throws for what the bot does (timeouts, an
    /// early end): that is in the result.
    /// </summary>
    public async Task<ScenarioResult> RunAsync(SimulatedCaller caller, CallScenario scenario, IProgress<ScenarioProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(scenario);
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            var step = scenario.Steps[i];
            var number = i + 1;
            try
            {
                await RunStepAsync(caller, step, () => progress?.Report(new ScenarioProgress(caller.Elapsed, number, step)), cancellationToken);
            }
            catch (CallEndedException ex)
            {
                return new ScenarioResult(false, number, $"Step {number} ({step}): the call ended first ({ex.Reason}).", caller.EndReason);
            }
            catch (TimeoutException ex)
            {
                return new ScenarioResult(false, number, $"Step {number} ({step}): {ex.Message}", caller.EndReason);
            }
        }

        if (caller.EndReason is null)
        {
            await caller.HangUpAsync();
        }

        return new ScenarioResult(true, scenario.Steps.Count, null, caller.EndReason);
    }

    private async Task RunStepAsync(SimulatedCaller caller, ScenarioStep step, Action report, CancellationToken cancellationToken)
    {
        switch (step.Kind)
        {
            case ScenarioStepKind.WaitForPrompt:
                report();
                var wait = step.WaitForPrompt!;
                await caller.WaitForPromptAsync(
                    TimeSpan.FromSeconds(wait.TimeoutSeconds),
                    wait.SilenceSeconds is { } quiet ? TimeSpan.FromSeconds(quiet) : null,
                    cancellationToken);
                break;

            case ScenarioStepKind.Say:
                var speech = await CallerSpeech.RenderAsync(synthesizer, step.Say!, caller.SampleRate, cancellationToken);
                report();
                await caller.SayAsync(speech, cancellationToken);
                break;

            case ScenarioStepKind.Dtmf:
                report();
                await caller.SendDtmfAsync(step.Dtmf!, cancellationToken);
                break;

            case ScenarioStepKind.Silence:
                report();
                await caller.SendSilenceAsync(TimeSpan.FromSeconds(step.Silence!.Value), cancellationToken);
                break;

            case ScenarioStepKind.HangUp:
                report();
                await caller.HangUpAsync();
                break;

            case ScenarioStepKind.SayAndHangUp:
                var line = await CallerSpeech.RenderAsync(synthesizer, step.SayAndHangUp!.Text, caller.SampleRate, cancellationToken);
                report();
                await caller.SayAndHangUpAsync(line, TimeSpan.FromSeconds(step.SayAndHangUp.AfterSeconds), cancellationToken);
                break;

            case ScenarioStepKind.WaitForHangup:
                report();
                await caller.WaitForHangupAsync(TimeSpan.FromSeconds(step.WaitForHangup!.TimeoutSeconds), cancellationToken);
                break;

            default:
                throw new InvalidDataException($"Unknown step: {step}.");
        }
    }
}
