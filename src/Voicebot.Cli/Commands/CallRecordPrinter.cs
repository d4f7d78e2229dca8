using System.Globalization;
using Spectre.Console;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Records;

namespace Voicebot.Cli.Commands;

/// <summary>Renders one call record for <c>voicebot calls show</c>: header, slots, path, turns with timings, conversation, errors.</summary>
internal static class CallRecordPrinter
{
    public static void Print(CallRecord record, IAnsiConsole console)
    {
        var header = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        AddRow(header, "Call id", Markup.Escape(record.CallId.ToString()));
        AddRow(header, "Started", Markup.Escape(CallsCommand.FormatTime(record.StartedAt)));
        AddRow(header, "Ended", Markup.Escape(CallsCommand.FormatTime(record.EndedAt)));
        AddRow(header, "Duration", CallsCommand.FormatDuration(record.EndedAt - record.StartedAt));
        AddRow(header, "Outcome", CallsCommand.OutcomeMarkup(record.Outcome) + " (" + Markup.Escape(record.EndReason) + ")");
        AddRow(header, "Caller number", Markup.Escape(record.CallerNumber ?? "-"));
        AddRow(header, "Silo", Markup.Escape(record.Silo ?? "-"));
        AddRow(header, "Asterisk", Markup.Escape(record.RemoteEndPoint ?? "-"));
        AddRow(header, "Recording", Markup.Escape(record.RecordingPath ?? "none"));
        console.Write(new Panel(header).Header("Call"));

        if (record.Slots.Count > 0)
        {
            var slots = new Table().Title("Collected").AddColumns("Slot", "Value");
            foreach (var (name, value) in record.Slots.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                slots.AddRow(Markup.Escape(name), Markup.Escape(value));
            }

            console.Write(slots);
        }

        if (record.VisitedStates.Count > 0)
        {
            console.MarkupLine("[bold]Path:[/] " + Markup.Escape(string.Join(" > ", record.VisitedStates)));
        }

        var turns = new Table().Title("Turns (times from the end of the caller's input)")
            .AddColumns("#", "State", "Input", "Caller", "STT", "LLM", "Answered", "TTS", "First frame", "Reply");
        foreach (var turn in record.Turns)
        {
            turns.AddRow(
                turn.Turn.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(turn.State),
                Markup.Escape(turn.Input),
                Markup.Escape(turn.CallerText ?? ""),
                Milliseconds(turn.SttFinal),
                Milliseconds(turn.LlmFirstToken),
                Milliseconds(turn.Answered),
                Milliseconds(turn.TtsFirstByte),
                Milliseconds(turn.FirstFrameOut),
                Markup.Escape(turn.Reply ?? ""));
        }

        console.Write(record.Turns.Count > 0 ? turns : new Markup("No turns.\n"));

        if (record.History.Count > 0)
        {
            var conversation = new Table().Title("Conversation").AddColumns("At", "Who", "What", "State");
            foreach (var line in record.History)
            {
                conversation.AddRow(
                    Offset(line.At - record.StartedAt),
                    line.Speaker == Speaker.Bot ? "[blue]bot[/]" : "[green]caller[/]",
                    Markup.Escape(Describe(line)),
                    Markup.Escape(line.State));
            }

            console.Write(conversation);
        }

        if (record.ProviderErrors.Count == 0)
        {
            console.MarkupLine("Provider errors: none.");
        }
        else
        {
            var errors = new Table().Title("Provider errors").AddColumns("At", "Provider", "Kind", "Message");
            foreach (var error in record.ProviderErrors)
            {
                errors.AddRow(Offset(error.At - record.StartedAt), Markup.Escape(error.Provider), Markup.Escape(error.Kind), Markup.Escape(error.Message));
            }

            console.Write(errors);
        }
    }

    private static void AddRow(Grid grid, string name, string markup) => grid.AddRow(new Markup($"[bold]{name}[/]"), new Markup(markup));

    private static string Milliseconds(TimeSpan? value) =>
        value is { } span ? span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms" : "-";

    private static string Offset(TimeSpan value) =>
        value < TimeSpan.Zero ? "-" : "+" + value.ToString(@"m\:ss\.f", CultureInfo.InvariantCulture);

    private static string Describe(ConversationTurn line) => line.Kind switch
    {
        TurnKind.Phrase => "(phrase) " + line.Content,
        TurnKind.Dtmf => "(keys) " + line.Content,
        TurnKind.AudioClip => "(clip) " + line.Content,
        TurnKind.Event => "(event) " + line.Content,
        _ => line.Content,
    };
}
