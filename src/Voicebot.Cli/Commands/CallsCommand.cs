using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Voicebot.Abstractions.Calls;
using Voicebot.Records.Storage;

namespace Voicebot.Cli.Commands;

/// <summary>
/// <c>voicebot calls list|show</c>: reads the call records from the store the host writes to (same configuration).
/// Configuration keys can be overridden after the arguments, e.g. <c>--Records:Provider=postgres</c>.
/// </summary>
public static class CallsCommand
{
    /// <summary>Printed.</summary>
    public const int Success = 0;

    /// <summary>No record with that call id.</summary>
    public const int NotFound = 1;

    /// <summary>The store could not be read, or the configuration is invalid.</summary>
    public const int StoreUnavailable = 2;

    /// <summary>A malformed option or call id.</summary>
    public const int InvalidArguments = 3;

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var since = new Option<string?>("--since") { Description = "Calls started since: a duration back (30m, 2h, 7d) or a date/time (2026-11-24, 2026-11-24T08:00)." };
        var until = new Option<string?>("--until") { Description = "Calls started before: same forms as --since." };
        var outcome = new Option<string?>("--outcome") { Description = "Only this outcome: transfer, resolved, no-technician, abandoned or error." };
        var limit = new Option<int>("--limit") { Description = "At most this many calls, newest first.", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "List the latest calls.") { since, until, outcome, limit };
        list.TreatUnmatchedTokensAsErrors = false;
        list.SetAction(async (parseResult, cancellationToken) => await ListAsync(
            parseResult.UnmatchedTokens.ToArray(),
            parseResult.GetValue(since),
            parseResult.GetValue(until),
            parseResult.GetValue(outcome),
            parseResult.GetValue(limit),
            WideWhenRedirected(AnsiConsole.Console),
            TimeProvider.System,
            cancellationToken));

        var id = new Argument<string>("id") { Description = "The call id (the AudioSocket UUID, as listed)." };
        var show = new Command("show", "Show one call: outcome, slots, transcript with timings, provider errors.") { id };
        show.TreatUnmatchedTokensAsErrors = false;
        show.SetAction(async (parseResult, cancellationToken) =>
            await ShowAsync(parseResult.UnmatchedTokens.ToArray(), parseResult.GetValue(id)!, WideWhenRedirected(AnsiConsole.Console), cancellationToken));

        return new Command("calls", "Read the call records.") { list, show };
    }

    /// <summary><c>voicebot calls list</c>.</summary>
    public static async Task<int> ListAsync(
        string[] configArgs,
        string? since,
        string? until,
        string? outcome,
        int limit,
        IAnsiConsole console,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        if (!TryParseMoment(since, now, out var sinceAt) || !TryParseMoment(until, now, out var untilAt))
        {
            console.MarkupLine("[red]--since and --until take a duration back (30m, 2h, 7d) or a date/time (2026-11-24T08:00).[/]");
            return InvalidArguments;
        }

        CallOutcomeKind? outcomeKind = null;
        if (outcome is not null)
        {
            if (!TryParseOutcome(outcome, out var parsed))
            {
                console.MarkupLine($"[red]Unknown outcome '{Markup.Escape(outcome)}'[/]: use transfer, resolved, no-technician, abandoned or error.");
                return InvalidArguments;
            }

            outcomeKind = parsed;
        }

        if (limit <= 0)
        {
            console.MarkupLine("[red]--limit must be positive.[/]");
            return InvalidArguments;
        }

        return await WithStoreAsync(configArgs, console, async store =>
        {
            var calls = await store.ListAsync(new CallRecordQuery(sinceAt, untilAt, outcomeKind, limit), cancellationToken);
            if (calls.Count == 0)
            {
                console.MarkupLine("No call records match.");
                return Success;
            }

            var table = new Table().AddColumns("Time", "Call id", "Caller number", "Duration", "Outcome", "Reason", "Turns");
            foreach (var call in calls)
            {
                table.AddRow(
                    Markup.Escape(FormatTime(call.StartedAt)),
                    Markup.Escape(call.CallId.ToString()),
                    Markup.Escape(call.CallerNumber ?? "-"),
                    FormatDuration(call.Duration),
                    OutcomeMarkup(call.Outcome),
                    Markup.Escape(call.EndReason),
                    call.TurnCount.ToString(CultureInfo.InvariantCulture));
            }

            console.Write(table);
            console.MarkupLine($"{calls.Count} call(s), newest first.");
            return Success;
        });
    }

    /// <summary><c>voicebot calls show &lt;id&gt;</c>.</summary>
    public static async Task<int> ShowAsync(string[] configArgs, string id, IAnsiConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (!Guid.TryParse(id, out var callId))
        {
            console.MarkupLine($"[red]'{Markup.Escape(id ?? string.Empty)}' is not a call id[/] (a UUID, as in `voicebot calls list`).");
            return InvalidArguments;
        }

        return await WithStoreAsync(configArgs, console, async store =>
        {
            var record = await store.GetAsync(callId, cancellationToken);
            if (record is null)
            {
                console.MarkupLine($"[red]No call record for {callId}.[/] `voicebot calls list` shows the recorded calls.");
                return NotFound;
            }

            CallRecordPrinter.Print(record, console);
            return Success;
        });
    }

    private static async Task<int> WithStoreAsync(string[] configArgs, IAnsiConsole console, Func<ICallRecordStore, Task<int>> action)
    {
        ServiceProvider services;
        Records.CallRecordsOptions options;
        try
        {
            (services, options) = CallRecordServices.Build(configArgs);
        }
        catch (OptionsValidationException ex)
        {
            console.MarkupLine($"[red]Invalid Records configuration:[/] {Markup.Escape(ex.Message)}");
            return StoreUnavailable;
        }

        await using (services)
        {
            var store = services.GetRequiredService<ICallRecordStore>();
            try
            {
                return await action(store);
            }
            catch (Exception ex) when (ex is DbException or TimeoutException or SocketException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                console.MarkupLine($"[red]Cannot read the call records from {Markup.Escape(CallRecordServices.Describe(options, store))}:[/] {Markup.Escape(ex.Message)}");
                return StoreUnavailable;
            }
        }
    }

    internal static bool TryParseMoment(string? text, DateTimeOffset now, out DateTimeOffset? moment)
    {
        moment = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        text = text.Trim();
        if (text.Length >= 2 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0)
        {
            TimeSpan? back = char.ToLowerInvariant(text[^1]) switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                'w' => TimeSpan.FromDays(7 * amount),
                _ => null,
            };
            if (back is { } duration)
            {
                moment = now - duration;
                return true;
            }
        }

        // A date without an offset is the operator's local time, as printed by `calls list`.
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var at))
        {
            moment = at;
            return true;
        }

        return false;
    }

    internal static bool TryParseOutcome(string text, out CallOutcomeKind outcome) =>
        Enum.TryParse(text.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true, out outcome)
        && Enum.IsDefined(outcome);

    internal static string FormatTime(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    internal static string FormatDuration(TimeSpan duration) =>
        duration < TimeSpan.Zero ? "-" : ((int)duration.TotalMinutes).ToString(CultureInfo.InvariantCulture) + duration.ToString(@"\:ss", CultureInfo.InvariantCulture);

    internal static string OutcomeMarkup(CallOutcomeKind outcome) => outcome switch
    {
        CallOutcomeKind.Transfer => "[blue]Transfer[/]",
        CallOutcomeKind.Resolved => "[green]Resolved[/]",
        CallOutcomeKind.NoTechnician => "[yellow]NoTechnician[/]",
        CallOutcomeKind.Abandoned => "[grey]Abandoned[/]",
        _ => "[red]" + outcome + "[/]",
    };

    /// <summary>Piped or redirected output has no terminal width (Spectre assumes 80): keep table rows on one line.</summary>
    private static IAnsiConsole WideWhenRedirected(IAnsiConsole console)
    {
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = Math.Max(console.Profile.Width, 200);
        }

        return console;
    }
}
