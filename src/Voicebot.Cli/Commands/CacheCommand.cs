using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Voicebot.Grains.Phrases;

namespace Voicebot.Cli.Commands;

/// <summary>
/// <c>voicebot cache</c>: renders every fixed phrase again (after editing <c>assets/phrases</c>, changing the voice, or
/// upgrading espeak-ng) with the host's configuration, without starting the bot. A running bot renders missing
/// phrases itself at start-up; this command forces it.
/// </summary>
public static class CacheCommand
{
    public static Command Create()
    {
        var rates = new Option<int[]>("--rate") { Description = "Sample rates to render, Hz (default: PhraseCache:WarmUpRates).", AllowMultipleArgumentsPerToken = true };
        var missingOnly = new Option<bool>("--missing-only") { Description = "Render only the phrases not on disk yet." };
        var command = new Command("cache", "Render the fixed phrases into the phrase cache.") { rates, missingOnly };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parseResult, cancellationToken) =>
            await RunAsync(parseResult.UnmatchedTokens.ToArray(), parseResult.GetValue(rates), !parseResult.GetValue(missingOnly), AnsiConsole.Console, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string[] configArgs, int[]? rates, bool force, IAnsiConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(console);
        var (provider, configuration) = LocalPhraseServices.Build(configArgs);
        await using var services = provider;
        var store = provider.GetRequiredService<PhraseStore>();
        var renderRates = rates is { Length: > 0 } ? rates : configuration.GetSection("PhraseCache:WarmUpRates").Get<int[]>() ?? [8000];
        try
        {
            foreach (var rate in renderRates)
            {
                var rendered = await store.RenderAllAsync(rate, force, cancellationToken);
                var table = new Table().AddColumns("Phrase", "Duration", "File");
                foreach (var phrase in await store.GetAllAsync(rate, cancellationToken))
                {
                    var seconds = phrase.Pcm.Length / 2.0 / rate;
                    table.AddRow(Markup.Escape(phrase.Key), seconds.ToString("0.00 s", CultureInfo.InvariantCulture), Markup.Escape(Path.GetFileName(store.CachePath(phrase.Key, phrase.Text, rate))));
                }

                console.Write(table);
                console.MarkupLine($"[green]{rendered} phrase(s) rendered at {rate} Hz[/] into {Markup.Escape(store.CacheDirectory)}");
            }

            return 0;
        }
        catch (Abstractions.Speech.SpeechSynthesisException ex)
        {
            console.MarkupLine($"[red]Could not render the phrases:[/] {Markup.Escape(ex.Message)}");
            return 1;
        }
    }
}
