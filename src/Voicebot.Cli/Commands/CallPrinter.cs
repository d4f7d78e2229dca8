using System.Globalization;
using Spectre.Console;
using Voicebot.Cli.Calling;

namespace Voicebot.Cli.Commands;

/// <summary>Prints a simulated call live ("Bot: « … »", "Caller: 📞 DTMF 1") and its summary.</summary>
internal sealed class CallPrinter(IAnsiConsole console, bool quiet)
{
    private readonly Lock _gate = new();

    public void Header(CallScenario scenario, CallSettings settings, Guid callId, int sampleRate, int phraseCount, bool hasPhraseSource)
    {
        console.MarkupLine($"[bold]Calling {Markup.Escape($"{settings.Host}:{settings.Port}")}[/] · scenario [aqua]{Markup.Escape(scenario.Name)}[/] · {sampleRate} Hz · call {callId}");
        if (!string.IsNullOrWhiteSpace(scenario.Description))
        {
            console.MarkupLine($"[grey]{Markup.Escape(scenario.Description)}[/]");
        }

        console.MarkupLine(hasPhraseSource
            ? $"[grey]{phraseCount} known phrases at {sampleRate} Hz.[/]"
            : "[grey]No phrase list: the bot's audio is shown as durations.[/]");
    }

    public void CallerStep(ScenarioProgress progress)
    {
        var step = progress.Step;
        var line = step.Kind switch
        {
            ScenarioStepKind.Say => $"[green]Caller:[/] « {Markup.Escape(step.Say!)} »",
            ScenarioStepKind.Dtmf => $"[green]Caller:[/] 📞 DTMF {Markup.Escape(step.Dtmf!)}",
            ScenarioStepKind.Silence => $"[grey]Caller stays silent {step.Silence!.Value.ToString("0.##", CultureInfo.InvariantCulture)} s[/]",
            ScenarioStepKind.HangUp => "[green]Caller:[/] hangs up",
            ScenarioStepKind.SayAndHangUp => $"[green]Caller:[/] « {Markup.Escape(step.SayAndHangUp!.Text)} » [yellow](hangs up {step.SayAndHangUp.AfterSeconds.ToString("0.##", CultureInfo.InvariantCulture)} s in)[/]",
            ScenarioStepKind.WaitForPrompt => "[grey]… waiting for the bot to finish speaking[/]",
            ScenarioStepKind.WaitForHangup => "[grey]… waiting for the bot to hang up[/]",
            _ => Markup.Escape(step.ToString()),
        };
        Write(progress.At, line);
    }

    public async Task FollowBotAsync(SimulatedCaller caller, BotPhraseMatcher matcher)
    {
        var session = matcher.StartSession();
        var arrivals = new List<TimeSpan>();   // arrival time of each 20 ms of bot audio
        await foreach (var frame in caller.ReadBotAudioAsync())
        {
            var units = Math.Max(1, frame.Pcm.Length / matcher.FrameBytes);
            for (var i = 0; i < units; i++)
            {
                arrivals.Add(frame.ArrivedAt);
            }

            PrintBot(session.Append(frame.Pcm.Span), arrivals);
        }

        PrintBot(session.Complete(), arrivals);
    }

    public void Summary(SimulatedCaller caller, ScenarioResult result, IReadOnlyList<string> phrases, string outputPath, bool hungUpOnRequest)
    {
        var frames = caller.GetReceivedFrames();
        var gaps = FrameGapStatistics.From(frames);
        var ended = caller.EndReason switch
        {
            CallEndReason.BotHungUp => "the bot hung up (00 00 00): the dialplan would continue",
            CallEndReason.ConnectionClosed => "the bot closed the connection (EOF): the dialplan would continue",
            CallEndReason.CallerHungUp => hungUpOnRequest ? "the caller hung up (--hang-up-after)" : "the caller hung up",
            CallEndReason.ConnectionLost => "the connection was lost",
            CallEndReason.ProtocolViolation => "protocol violation by the bot: Asterisk would have dropped the call",
            _ => "still up",
        };

        var table = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("").AddColumn("");
        table.AddRow("Scenario", result.Completed ? "[green]completed[/]" : $"[red]{Markup.Escape(result.Failure ?? "stopped")}[/]");
        table.AddRow("Call ended", Markup.Escape(ended));
        table.AddRow("Duration", caller.Elapsed.TotalSeconds.ToString("0.0 s", CultureInfo.InvariantCulture));
        table.AddRow("Frames sent", $"{caller.FramesSent} audio, {caller.DtmfSent} DTMF");
        table.AddRow("Frames received", frames.Count.ToString(CultureInfo.InvariantCulture));
        table.AddRow("Inter-frame gap", gaps.Count == 0
            ? "–"
            : string.Create(CultureInfo.InvariantCulture, $"p50 {gaps.P50.TotalMilliseconds:0.0} ms · p99 {gaps.P99.TotalMilliseconds:0.0} ms · max {gaps.Max.TotalMilliseconds:0.0} ms"));
        table.AddRow("Phrases heard", phrases.Count == 0 ? "–" : Markup.Escape(string.Join(", ", phrases)));
        table.AddRow("Bot audio", Markup.Escape(outputPath));
        foreach (var violation in caller.ProtocolViolations)
        {
            table.AddRow("[red]Violation[/]", Markup.Escape(violation));
        }

        console.Write(table);
    }

    private void PrintBot(IReadOnlyList<BotAudioSegment> segments, List<TimeSpan> arrivals)
    {
        foreach (var segment in segments)
        {
            var index = (int)(segment.Start / Protocol.AudioSocketKinds.FrameDuration);
            var at = arrivals.Count == 0 ? TimeSpan.Zero : arrivals[Math.Clamp(index, 0, arrivals.Count - 1)];
            Write(at, segment.Kind == BotAudioSegmentKind.Phrase
                ? $"[blue]Bot:[/] « {Markup.Escape(segment.Text ?? "")} » [grey]({Markup.Escape(segment.PhraseKey ?? "")})[/]"
                : $"[blue]Bot:[/] [grey]{Markup.Escape(segment.ToString())}[/]");
        }
    }

    private void Write(TimeSpan at, string markup)
    {
        if (quiet)
        {
            return;
        }

        lock (_gate)
        {
            console.MarkupLine($"[grey]{CallCommand.Clock(at)}[/] {markup}");
        }
    }
}
