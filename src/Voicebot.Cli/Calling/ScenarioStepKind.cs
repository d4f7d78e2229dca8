namespace Voicebot.Cli.Calling;

/// <summary>The action of a <see cref="ScenarioStep"/>.</summary>
public enum ScenarioStepKind
{
    None = 0,
    WaitForPrompt,
    Say,
    Dtmf,
    Silence,
    HangUp,
    SayAndHangUp,
    WaitForHangup,
}
