using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Voicebot.Abstractions.Calls;
using Voicebot.Cli.Calling;
using Voicebot.Gateway;
using Voicebot.Grains.Phrases;
using Voicebot.Host;
using Voicebot.Host.Http;
using Voicebot.Providers.Local.Technicians;

namespace Voicebot.Cli.Commands;

/// <summary>
/// <c>voicebot serve</c>: runs the bot (silo + AudioSocket gateway + HTTP). With <c>--demo</c> it first places a
/// simulated call against itself over real TCP and prints it, so a newcomer sees the whole conversation.
/// Arguments it does not know (e.g. <c>--AudioSocket:Port=9091</c>) go to the host's configuration.
/// </summary>
public static class ServeCommand
{
    /// <summary>Wide enough that no transcript or outcome line wraps when the output is a pipe or a file.</summary>
    private const int UnwrappedWidth = 1000;

    public static Command Create()
    {
        var demo = new Option<bool>("--demo") { Description = "Place a demo call against this bot once it is ready, then keep serving." };
        var scenario = new Option<string>("--scenario")
        {
            Description = $"Scenario of the demo call ({string.Join(", ", CallScenarioLoader.BuiltInNames)}).",
            DefaultValueFactory = _ => "internet-fixed",
        };
        var exitAfterDemo = new Option<bool>("--exit-after-demo") { Description = "Stop once the demo call is over (exit code 0 if it went as its scenario expects)." };
        var command = new Command("serve", "Run the voicebot: Orleans silo, AudioSocket gateway and HTTP endpoint.") { demo, scenario, exitAfterDemo };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var hostArgs = parseResult.UnmatchedTokens.ToArray();
            return await RunAsync(hostArgs, parseResult.GetValue(demo) ? parseResult.GetRequiredValue(scenario) : null, parseResult.GetValue(exitAfterDemo), cancellationToken);
        });
        return command;
    }

    /// <summary>Runs the host; with a demo scenario, places that call first. Returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] hostArgs, string? demoScenario, bool exitAfterDemo, CancellationToken cancellationToken)
    {
        if (demoScenario is not null && await TryLoadAsync(demoScenario, cancellationToken) is { } scenario)
        {
            hostArgs = DemoHostArgs(hostArgs, scenario);
        }

        WebApplication app;
        try
        {
            app = VoicebotHost.Build(hostArgs, demoScenario is null ? null : QuietConsoleForDemo);
        }
        catch (Exception ex) when (StartupFailure.Describe(ex) is { } failure)
        {
            return StartupFailure.Report(failure, Console.Error);
        }

        var settings = StartupFailure.Snapshot(app.Configuration);
        Exception? startFailure = null;
        await using (app)
        {
            try
            {
                // Resolved before starting: a value that does not bind surfaces here, not once serving.
                _ = app.Services.GetRequiredService<IOptions<AudioSocketOptions>>().Value;
                await app.StartAsync(cancellationToken);
            }
            catch (Exception ex) when (StartupFailure.Describe(ex) is not null)
            {
                // Described once the host has let go of its own ports, so a port still taken is another process's.
                startFailure = ex;
            }

            if (startFailure is null)
            {
                return await ServeAsync(app, demoScenario, exitAfterDemo, cancellationToken);
            }
        }

        return StartupFailure.Report(StartupFailure.Describe(startFailure, settings)!, Console.Error);
    }

    /// <summary>
    /// The demo shows the conversation, not the log: the console sink keeps warnings and errors only (the log files
    /// still get everything), and piped output is not wrapped at Spectre's 80-column default, which split lines.
    /// </summary>
    private static void QuietConsoleForDemo(WebApplicationBuilder builder)
    {
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Serilog:WriteTo:Console:Args:restrictedToMinimumLevel"] = "Warning",
        });
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = UnwrappedWidth;
        }
    }

    /// <summary>
    /// The host's arguments for a demo of <paramref name="scenario"/>. A scenario whose outcome depends on a technician
    /// pins <c>Technicians:Mode</c> (the default follows Paris office hours, so the outcome would follow the time of
    /// day); a <c>Technicians:Mode</c> given on the command line wins.
    /// </summary>
    internal static string[] DemoHostArgs(string[] hostArgs, CallScenario scenario)
    {
        if (scenario.Technicians is not { } technicians
            || hostArgs.Any(argument => argument.Contains($"{TechnicianOptions.SectionName}:{nameof(TechnicianOptions.Mode)}", StringComparison.OrdinalIgnoreCase)))
        {
            return hostArgs;
        }

        var mode = technicians == ScenarioTechnicians.Available ? TechnicianAvailabilityMode.AlwaysAvailable : TechnicianAvailabilityMode.NeverAvailable;
        AnsiConsole.MarkupLine($"[grey]Demo: technicians {technicians.ToString().ToLowerInvariant()}, as {Markup.Escape(scenario.Name)} needs (Technicians:Mode={mode}).[/]");
        return [.. hostArgs, $"--{TechnicianOptions.SectionName}:{nameof(TechnicianOptions.Mode)}={mode}"];
    }

    /// <summary>The demo's scenario, or null when it cannot be read (the demo call then reports why).</summary>
    private static async Task<CallScenario?> TryLoadAsync(string scenarioName, CancellationToken cancellationToken)
    {
        try
        {
            return await CallScenarioLoader.LoadAsync(scenarioName, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException or IOException)
        {
            return null;
        }
    }

    private static async Task<int> ServeAsync(WebApplication app, string? demoScenario, bool exitAfterDemo, CancellationToken cancellationToken)
    {
        var exitCode = 0;
        if (demoScenario is not null)
        {
            exitCode = await RunDemoAsync(app.Services, demoScenario, cancellationToken);
        }

        if (!exitAfterDemo)
        {
            var gateway = app.Services.GetRequiredService<IOptions<AudioSocketOptions>>().Value;
            AnsiConsole.MarkupLine($"[green]Serving AudioSocket on {gateway.ListenAddress}:{gateway.Port}[/] (Ctrl+C to stop).");
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        }

        await app.StopAsync(CancellationToken.None);
        return exitCode;
    }

    private static async Task<int> RunDemoAsync(IServiceProvider services, string scenarioName, CancellationToken cancellationToken)
    {
        var gateway = services.GetRequiredService<IOptions<AudioSocketOptions>>().Value;
        var phrases = services.GetRequiredService<PhraseStore>();
        var callId = Guid.NewGuid();
        var output = Path.GetFullPath(Path.Combine("data", "calls", $"{callId:D}-bot.wav"));
        AnsiConsole.MarkupLine($"[bold]Demo call[/] {callId} ({Markup.Escape(scenarioName)}) to {gateway.ListenAddress}:{gateway.Port}");

        var source = new DelegateKnownPhraseSource(phrases.GetAllAsync);
        var voice = CallCommand.CreateVoice("espeak");
        int exitCode;
        try
        {
            var settings = new CallSettings(gateway.ListenAddress, gateway.Port, scenarioName, callId, OutputPath: output);
            exitCode = await CallCommand.RunAsync(settings, voice, source, AnsiConsole.Console, cancellationToken);
        }
        finally
        {
            (voice as IDisposable)?.Dispose();
        }

        var grains = services.GetRequiredService<IGrainFactory>();
        var snapshot = await grains.GetGrain<ICallGrain>(callId).GetSnapshotAsync();
        if (snapshot.Outcome is { } outcome)
        {
            AnsiConsole.MarkupLine($"[bold]Outcome:[/] {Markup.Escape(CallEndpoints.ToDialplanLine(outcome))}");
            AnsiConsole.MarkupLine($"[bold]States:[/] {Markup.Escape(string.Join(" → ", outcome.VisitedStates))}");
        }

        AnsiConsole.MarkupLine($"[bold]Bot audio:[/] {Markup.Escape(output)}");
        if (exitCode == 0 && Mismatch(await CallScenarioLoader.LoadAsync(scenarioName, cancellationToken), snapshot.Outcome) is { } mismatch)
        {
            AnsiConsole.MarkupLine($"[red]The demo call did not go as its scenario expects:[/] {Markup.Escape(mismatch)}");
            return CallCommand.ScenarioFailed;
        }

        return exitCode;
    }

    /// <summary>What differs between the scenario's expectations and the bot's outcome, or null.</summary>
    private static string? Mismatch(CallScenario scenario, CallOutcome? outcome)
    {
        if (scenario.Expect is not { } expect)
        {
            return null;
        }

        if (outcome is null)
        {
            return "the call has no outcome";
        }

        static string Word(string value) => value.Replace("-", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        if (expect.Outcome is { } expected && Word(expected) != Word(CallEndpoints.OutcomeWord(outcome.Outcome)))
        {
            return $"outcome {CallEndpoints.OutcomeWord(outcome.Outcome)}, expected {expected}";
        }

        return expect.States is { } states && !states.SequenceEqual(outcome.VisitedStates)
            ? $"states {string.Join(" → ", outcome.VisitedStates)}, expected {string.Join(" → ", states)}"
            : null;
    }
}
