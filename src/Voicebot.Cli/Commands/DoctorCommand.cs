using System.CommandLine;
using Spectre.Console;
using Voicebot.Cli.Doctor;
using Voicebot.Host;

namespace Voicebot.Cli.Commands;

/// <summary>
/// <c>voicebot doctor</c>: checks that this machine and configuration can run the bot — runtime, tools, configuration,
/// secrets (never printed), writable directories, phrase cache, free ports, and the database and AMI when configured.
/// One line per check; exits non-zero when any check fails, each failure with the fix to apply.
/// </summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var command = new Command("doctor", "Check this machine and configuration before running the bot.");
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parseResult, cancellationToken) =>
            await RunAsync(parseResult.UnmatchedTokens.ToArray(), AnsiConsole.Console, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string[] configArgs, IAnsiConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(console);
        IReadOnlyList<SetupCheckResult> results;
        try
        {
            // The host exactly as `voicebot serve` builds it, never started.
            await using var app = VoicebotHost.Build(configArgs);
            results = await new SetupChecks(app.Services, app.Configuration, app.Environment.ContentRootPath).RunAllAsync(cancellationToken);
        }
        catch (Exception ex) when (StartupFailure.Describe(ex) is { } failure)
        {
            // Building the host already validates some options (Kestrel's endpoints read theirs) and binds others:
            // the same one line `voicebot serve` prints.
            results = [SetupCheckResult.Fail("configuration", failure, "correct these settings in appsettings.json, the environment or .env")];
        }
        catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException or FormatException or IOException)
        {
            results = [SetupCheckResult.Fail("configuration", ex.Message, "correct appsettings.json, the environment or .env")];
        }

        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = Math.Max(console.Profile.Width, 200);   // one line per check in logs and pipes
        }

        foreach (var result in results)
        {
            var (mark, color) = result.Status switch
            {
                SetupCheckStatus.Passed => ("ok  ", "green"),
                SetupCheckStatus.Failed => ("FAIL", "red"),
                _ => ("skip", "grey"),
            };
            var line = $"[{color}]{mark}[/] {Markup.Escape(result.Name)}: {Markup.Escape(result.Detail)}";
            if (result.Fix is { } fix)
            {
                line += $" [yellow]→ {Markup.Escape(fix)}[/]";
            }

            console.MarkupLine(line);
        }

        var failed = results.Count(r => r.Status == SetupCheckStatus.Failed);
        console.MarkupLine(failed == 0 ? "[green]All checks passed.[/]" : $"[red]{failed} check(s) failed.[/]");
        return failed == 0 ? 0 : 1;
    }
}
