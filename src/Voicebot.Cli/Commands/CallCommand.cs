using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Voicebot.Abstractions.Speech;
using Voicebot.Audio;
using Voicebot.Cli.Calling;
using Voicebot.Grains.Phrases;
using Voicebot.Providers.Espeak;

namespace Voicebot.Cli.Commands;

/// <summary>
/// <c>voicebot call</c>: places a simulated call against an AudioSocket server, plays a scenario, prints the conversation
/// live and a summary, and saves what the bot said as a WAV file.
/// </summary>
public static class CallCommand
{
    /// <summary>The scenario ran to its end (or the caller hung up as asked with <c>--hang-up-after</c>).</summary>
    public const int Completed = 0;

    /// <summary>The scenario stopped early (a wait timed out or the bot ended the call first), or the outcome is not the expected one.</summary>
    public const int ScenarioFailed = 1;

    /// <summary>No call: connection refused or timed out, or an invalid scenario or option.</summary>
    public const int NotConnected = 2;

    /// <summary>The bot sent something real Asterisk rejects (it would have dropped the call).</summary>
    public const int BotProtocolViolation = 3;

    /// <summary>The call ran but its outcome could not be read from the bot's HTTP API (unreachable, unknown call).</summary>
    public const int OutcomeUnknown = 4;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Interrupted = 130;

    /// <summary>How long the bot may take to close a call after the caller's last frame before its outcome is given up on.</summary>
    private static readonly TimeSpan OutcomePendingTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Builds the command.</summary>
    /// <param name="phraseSource">Known phrases, to name what the bot said; without one (and without <c>--phrases</c>) only durations are shown.</param>
    /// <param name="synthesizerFactory">Voice of the caller; default: chosen by <c>--voice</c> (espeak-ng, or a tone).</param>
    public static Command Create(IKnownPhraseSource? phraseSource = null, Func<ISpeechSynthesizer>? synthesizerFactory = null)
    {
        var host = new Option<string>("--host") { Description = "AudioSocket server host.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "AudioSocket server port.", DefaultValueFactory = _ => 9090 };
        var scenario = new Option<string>("--scenario")
        {
            Description = $"Scenario file, or built-in name ({string.Join(", ", CallScenarioLoader.BuiltInNames)}).",
            DefaultValueFactory = _ => "internet-fixed",
        };
        var callId = new Option<Guid?>("--call-id") { Description = "Call UUID to send (default: a new one)." };
        var rate = new Option<int?>("--rate") { Description = "Call sample rate: 8000 (kind 0x10) or 16000 (kind 0x12). Default: the scenario's, else 8000." };
        rate.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } value && value is not (8000 or 16000))
            {
                result.AddError("--rate must be 8000 or 16000.");
            }
        });
        var output = new Option<string?>("--output") { Description = "WAV file of what the bot said (default: ./data/calls/<id>-bot.wav)." };
        var phrases = new Option<string?>("--phrases") { Description = "Phrase cache directory, to name the phrases the bot plays." };
        var hangUpAfter = new Option<double?>("--hang-up-after") { Description = "Hang up after this many seconds, whatever the scenario says." };
        hangUpAfter.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is { } value && !(value > 0))
            {
                result.AddError("--hang-up-after must be a positive number of seconds.");
            }
        });
        var quiet = new Option<bool>("--quiet") { Description = "Print only the summary." };
        var voice = new Option<string>("--voice")
        {
            Description = "The caller's voice: espeak (espeak-ng, French) or tone (a 440 Hz tone, no engine needed).",
            DefaultValueFactory = _ => "espeak",
        };
        voice.AcceptOnlyFromAmong("espeak", "tone");
        var http = new Option<Uri>("--http")
        {
            Description = "The bot's HTTP API, to read the call's outcome (GET /calls/{id}/outcome) and check it against the scenario's.",
            DefaultValueFactory = _ => HttpCallOutcomeClient.DefaultAddress,
            CustomParser = result =>
            {
                if (Uri.TryCreate(result.Tokens[0].Value, UriKind.Absolute, out var address) && address.Scheme is "http" or "https")
                {
                    return address;
                }

                result.AddError("--http must be an http:// address, e.g. http://127.0.0.1:8088/.");
                return null;
            },
        };

        var command = new Command("call", "Place a simulated call (an AudioSocket client, as Asterisk) and play a scenario.")
        {
            host, port, scenario, callId, rate, output, phrases, hangUpAfter, quiet, voice, http,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = new CallSettings(
                parseResult.GetRequiredValue(host),
                parseResult.GetValue(port),
                parseResult.GetRequiredValue(scenario),
                parseResult.GetValue(callId),
                parseResult.GetValue(rate),
                parseResult.GetValue(output),
                parseResult.GetValue(phrases),
                parseResult.GetValue(hangUpAfter) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                parseResult.GetValue(quiet),
                parseResult.GetRequiredValue(http));
            var synthesizer = synthesizerFactory?.Invoke() ?? CreateVoice(parseResult.GetRequiredValue(voice));
            try
            {
                return await RunAsync(settings, synthesizer, phraseSource, AnsiConsole.Console, cancellationToken);
            }
            finally
            {
                (synthesizer as IDisposable)?.Dispose();
            }
        });

        return command;
    }

    /// <summary>Places the call; returns the exit code. Writes to <paramref name="console"/> only.</summary>
    public static async Task<int> RunAsync(
        CallSettings settings,
        ISpeechSynthesizer synthesizer,
        IKnownPhraseSource? phraseSource,
        IAnsiConsole console,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(synthesizer);
        ArgumentNullException.ThrowIfNull(console);

        CallScenario scenario;
        try
        {
            scenario = await CallScenarioLoader.LoadAsync(settings.Scenario, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException or IOException)
        {
            console.MarkupLine($"[red]Scenario error:[/] {Markup.Escape(ex.Message)}");
            return NotConnected;
        }

        var sampleRate = settings.SampleRate ?? scenario.SampleRate ?? 8000;
        var callId = settings.CallId ?? Guid.NewGuid();
        ServiceProvider? phraseServices = null;
        if (settings.PhrasesDirectory is { } directory)
        {
            // The bot's own phrase store on that cache (rendering what is missing), so the file layout and voice
            // identity are never guessed here.
            (phraseServices, _) = LocalPhraseServices.Build([$"--PhraseCache:Directory={Path.GetFullPath(directory)}"]);
            var store = phraseServices.GetRequiredService<PhraseStore>();
            phraseSource = new DelegateKnownPhraseSource(store.GetAllAsync);
        }

        await using var ownedPhraseServices = phraseServices;

        var matcher = new BotPhraseMatcher(phraseSource is null ? [] : await phraseSource.GetPhrasesAsync(sampleRate, cancellationToken), sampleRate);
        var printer = new CallPrinter(console, settings.Quiet);
        printer.Header(scenario, settings, callId, sampleRate, matcher.PhraseCount, phraseSource is not null);

        SimulatedCaller caller;
        try
        {
            caller = await SimulatedCaller.ConnectAsync(
                settings.Host,
                settings.Port,
                new SimulatedCallerOptions { CallId = callId, SampleRate = sampleRate, PublishBotAudio = true },
                cancellationToken);
        }
        catch (SocketException ex)
        {
            var why = ex.SocketErrorCode == SocketError.ConnectionRefused ? "connection refused (is the bot running?)" : ex.Message;
            console.MarkupLine($"[red]Cannot call {Markup.Escape($"{settings.Host}:{settings.Port}")}:[/] {Markup.Escape(why)}");
            return NotConnected;
        }
        catch (TimeoutException ex)
        {
            console.MarkupLine($"[red]Cannot call:[/] {Markup.Escape(ex.Message)}");
            return NotConnected;
        }

        await using (caller)
        {
            var listening = Task.Run(() => printer.FollowBotAsync(caller, matcher), CancellationToken.None);
            var hungUpOnRequest = false;
            using var hangUpTimer = new CancellationTokenSource();
            var hangUpTask = settings.HangUpAfter is { } after
                ? HangUpLaterAsync()
                : Task.CompletedTask;

            ScenarioResult result;
            try
            {
                result = await new ScenarioRunner(synthesizer).RunAsync(caller, scenario, new SyncProgress(printer.CallerStep), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await caller.HangUpAsync();
                result = new ScenarioResult(false, 0, "Interrupted.", caller.EndReason);
            }
            catch (SpeechSynthesisException ex)
            {
                await caller.HangUpAsync();
                result = new ScenarioResult(false, 0, $"The caller's voice failed: {ex.Message}", caller.EndReason);
            }

            await hangUpTimer.CancelAsync();
            await hangUpTask;
            await listening;

            var audio = caller.GetReceivedAudio();
            var outputPath = settings.OutputPath ?? Path.Combine("data", "calls", $"{callId}-bot.wav");
            await WriteWavAsync(outputPath, audio, sampleRate);
            printer.Summary(caller, result, matcher.MatchKeys(audio), outputPath, hungUpOnRequest);

            if (caller.ProtocolViolations.Count > 0)
            {
                return BotProtocolViolation;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return Interrupted;
            }

            var exitCode = result.Completed || hungUpOnRequest ? Completed : ScenarioFailed;
            if (settings.BotHttp is { } botHttp)
            {
                var outcomeCode = await CheckOutcomeAsync(botHttp, callId, hungUpOnRequest ? null : scenario.Expect, console, cancellationToken);
                exitCode = exitCode == Completed ? outcomeCode : exitCode;
            }

            return exitCode;

            async Task HangUpLaterAsync()
            {
                try
                {
                    await Task.Delay(settings.HangUpAfter!.Value, hangUpTimer.Token);
                    hungUpOnRequest = caller.EndReason is null;
                    await caller.HangUpAsync();
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    /// <summary>Prints the call's outcome from the bot's HTTP API and compares it with the expected one.</summary>
    private static async Task<int> CheckOutcomeAsync(Uri botHttp, Guid callId, ScenarioExpectation? expect, IAnsiConsole console, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        CallOutcomeReport outcome;
        try
        {
            outcome = await new HttpCallOutcomeClient(client, botHttp, OutcomePendingTimeout, TimeProvider.System).GetOutcomeAsync(callId, cancellationToken);
        }
        catch (CallOutcomeUnavailableException ex)
        {
            console.MarkupLine($"[red]Outcome unknown:[/] {Markup.Escape(ex.Message)} (--http sets the bot's HTTP address).");
            return OutcomeUnknown;
        }

        if (expect?.FindOutcomeMismatch(outcome) is { } mismatch)
        {
            console.MarkupLine($"[red]Outcome:[/] {Markup.Escape(mismatch)}");
            return ScenarioFailed;
        }

        console.MarkupLine(expect?.Outcome is null
            ? $"[bold]Outcome:[/] {Markup.Escape(outcome.ToString())}"
            : $"[bold]Outcome:[/] [green]{Markup.Escape(outcome.ToString())}[/] as expected");
        return Completed;
    }

    internal static ISpeechSynthesizer CreateVoice(string name) => name == "tone"
        ? new ToneSpeechSynthesizer()
        : new EspeakSpeechSynthesizer(
            Options.Create(new EspeakOptions { Pitch = 35 }),   // lower than the bot's voice, to tell them apart on the recording
            NullLogger<EspeakSpeechSynthesizer>.Instance);

    private static async Task WriteWavAsync(string path, byte[] pcm, int sampleRate)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        await using var file = File.Create(path);
        await WavFile.WriteAsync(file, pcm, sampleRate, CancellationToken.None);
    }

    private sealed class SyncProgress(Action<ScenarioProgress> report) : IProgress<ScenarioProgress>
    {
        public void Report(ScenarioProgress value) => report(value);
    }

    internal static string Clock(TimeSpan at) => at.ToString(@"mm\:ss\.fff", CultureInfo.InvariantCulture);
}
