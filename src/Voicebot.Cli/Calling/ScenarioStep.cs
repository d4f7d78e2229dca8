namespace Voicebot.Cli.Calling;

/// <summary>One step of a <see cref="CallScenario"/>. Exactly one property is set (see <see cref="Kind"/>).</summary>
public sealed record ScenarioStep
{
    /// <summary>Wait until the bot has spoken and then gone silent.</summary>
    public WaitForPromptStep? WaitForPrompt { get; init; }

    /// <summary>Speak this text (synthesized, then resampled to the call rate).</summary>
    public string? Say { get; init; }

    /// <summary>Press these keys (0-9, *, #, A-D), one DTMF message each.</summary>
    public string? Dtmf { get; init; }

    /// <summary>Stay silent for this many seconds (silence frames keep flowing).</summary>
    public double? Silence { get; init; }

    /// <summary><see langword="true"/>: hang up now (close the socket).</summary>
    public bool? HangUp { get; init; }

    /// <summary>Start speaking a line and hang up in the middle of it.</summary>
    public SayAndHangUpStep? SayAndHangUp { get; init; }

    /// <summary>Wait for the bot to end the call (a 0x00 message or the socket closing).</summary>
    public WaitForHangupStep? WaitForHangup { get; init; }

    /// <summary>Which kind of step this is.</summary>
    /// <exception cref="InvalidDataException">No property or more than one is set, or a value is out of range.</exception>
    public ScenarioStepKind Kind
    {
        get
        {
            var kind = ScenarioStepKind.None;
            var count = 0;
            Check(WaitForPrompt is not null, ScenarioStepKind.WaitForPrompt);
            Check(Say is not null, ScenarioStepKind.Say);
            Check(Dtmf is not null, ScenarioStepKind.Dtmf);
            Check(Silence is not null, ScenarioStepKind.Silence);
            Check(HangUp is not null, ScenarioStepKind.HangUp);
            Check(SayAndHangUp is not null, ScenarioStepKind.SayAndHangUp);
            Check(WaitForHangup is not null, ScenarioStepKind.WaitForHangup);

            return count == 1
                ? kind
                : throw new InvalidDataException($"A scenario step must have exactly one action; this one has {count}.");

            void Check(bool isSet, ScenarioStepKind candidate)
            {
                if (isSet)
                {
                    kind = candidate;
                    count++;
                }
            }
        }
    }

    /// <summary>A one-line description, for logs.</summary>
    public override string ToString() => Kind switch
    {
        ScenarioStepKind.WaitForPrompt => $"waitForPrompt ({WaitForPrompt!.TimeoutSeconds:0.#} s)",
        ScenarioStepKind.Say => $"say « {Say} »",
        ScenarioStepKind.Dtmf => $"dtmf {Dtmf}",
        ScenarioStepKind.Silence => $"silence {Silence:0.##} s",
        ScenarioStepKind.HangUp => "hangUp",
        ScenarioStepKind.SayAndHangUp => $"sayAndHangUp « {SayAndHangUp!.Text} » after {SayAndHangUp.AfterSeconds:0.##} s",
        ScenarioStepKind.WaitForHangup => $"waitForHangup ({WaitForHangup!.TimeoutSeconds:0.#} s)",
        _ => "(empty step)",
    };
}
