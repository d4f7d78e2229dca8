using Spectre.Console;

namespace Voicebot.Testing.Consoles;

/// <summary>A Spectre console that writes plain text (no colours, no prompts) into a <see cref="StringWriter"/>.</summary>
public static class TestConsoles
{
    public static (IAnsiConsole Console, StringWriter Output) Create(int width = 250)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = width;
        return (console, output);
    }
}
