using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Voicebot.Recordings;
using Voicebot.Recordings.Maintenance;
using Voicebot.Recordings.Recording;

namespace Voicebot.Cli.Commands;

/// <summary>
/// <c>voicebot recordings repair|archive</c>: fixes recordings left by a crash, archives recordings to MP3 through LAME
/// and applies the retention policy, with the host's <c>Recordings</c> configuration.
/// </summary>
public static class RecordingsCommand
{
    public static Command Create()
    {
        var command = new Command("recordings", "Repair, archive and expire the call recordings.") { CreateRepair(), CreateArchive() };
        return command;
    }

    /// <summary>Repairs every WAV under the recordings directory. Returns 0 when every file is now valid.</summary>
    public static async Task<int> RepairAsync(string[] configArgs, string? directory, TimeSpan minimumAge, IAnsiConsole console, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(time);
        if (Load(configArgs, directory, console) is not var (_, root))
        {
            return 1;
        }

        var failures = 0;
        var repaired = 0;
        var files = RecordingFiles.Recordings(root);
        foreach (var path in files)
        {
            var name = Markup.Escape(Path.GetRelativePath(root, path));
            try
            {
                if (RecordingFiles.IsInUse(path, time.GetUtcNow(), minimumAge))
                {
                    console.MarkupLine($"[yellow]in use[/]   {name} (written in the last {minimumAge.TotalSeconds:0} s; left alone)");
                    continue;
                }

                var result = await RecordingRepair.RepairAsync(path, cancellationToken);
                switch (result.Outcome)
                {
                    case RepairOutcome.Repaired:
                        repaired++;
                        console.MarkupLine(string.Create(
                            CultureInfo.InvariantCulture,
                            $"[green]repaired[/] {name}: header claimed {result.ClaimedDataBytes} bytes, file holds {result.DataBytes} ({result.Seconds:0.00} s){(result.DroppedBytes > 0 ? $", dropped a partial frame of {result.DroppedBytes} bytes" : string.Empty)}"));
                        break;
                    case RepairOutcome.NotWav:
                        failures++;
                        console.MarkupLine($"[red]not WAV[/]  {name}: no PCM WAV header; left alone");
                        break;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                failures++;
                console.MarkupLine($"[red]failed[/]   {name}: {Markup.Escape(ex.Message)}");
            }
        }

        console.MarkupLine($"{files.Count} recording(s) checked in {Markup.Escape(root)}: {repaired} repaired, {failures} failed.");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>Applies the retention policy, then archives the remaining recordings to MP3. Returns 0 when nothing failed.</summary>
    public static async Task<int> ArchiveAsync(string[] configArgs, ArchiveRequest request, IAnsiConsole console, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(time);
        if (Load(configArgs, request.Directory, console) is not var (options, root))
        {
            return 1;
        }

        var archive = options.Archive;
        archive.BitrateKbps = request.BitrateKbps ?? archive.BitrateKbps;
        archive.Parallelism = request.Parallelism ?? archive.Parallelism;
        var deleteOriginals = request.DeleteOriginals || archive.DeleteOriginals;
        var encoder = new LameEncoder(archive.Encoder);
        if (!request.DryRun && encoder.Locate() is null)
        {
            console.MarkupLine($"[red]LAME ({Markup.Escape(archive.Encoder)}) was not found.[/] {Markup.Escape(LameEncoder.InstallHint)}");
            return 2;
        }

        var expired = RecordingRetention.Expired(root, options.RetentionDays, time.GetUtcNow());
        foreach (var path in expired)
        {
            console.MarkupLine($"{(request.DryRun ? "[yellow]would delete[/]" : "[grey]deleted[/]")} {Markup.Escape(Path.GetRelativePath(root, path))} (older than {options.RetentionDays} days)");
        }

        if (!request.DryRun)
        {
            RecordingRetention.Delete(expired, root);
        }

        var recordings = RecordingFiles.Recordings(root).Except(expired, StringComparer.Ordinal).ToList();
        if (request.DryRun)
        {
            var bytes = recordings.Sum(path => new FileInfo(path).Length);
            console.MarkupLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Dry run: {expired.Count} file(s) past retention, {recordings.Count} recording(s) ({bytes / 1048576.0:0.0} MB) to archive at {archive.BitrateKbps} kbit/s{(deleteOriginals ? ", originals deleted once verified" : string.Empty)}. Nothing changed."));
            return 0;
        }

        var archiver = new RecordingArchiver(archive, encoder, time);
        IReadOnlyList<ArchiveResult> results = [];
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"Archiving {recordings.Count} recording(s)", maxValue: Math.Max(1, recordings.Count));
                results = await archiver.ArchiveAllAsync(recordings, deleteOriginals, request.MinimumAge, _ => task.Increment(1), cancellationToken);
                task.Value = task.MaxValue;
            });

        var table = new Table().AddColumns("Recording", "Duration", "WAV", "MP3", "Result");
        foreach (var result in results)
        {
            table.AddRow(
                Markup.Escape(Path.GetRelativePath(root, result.Path)),
                result.Seconds.ToString("0.0 s", CultureInfo.InvariantCulture),
                Size(result.WavBytes),
                result.ArchiveBytes > 0 ? Size(result.ArchiveBytes) : "-",
                result.Outcome switch
                {
                    ArchiveOutcome.Failed => $"[red]failed, original kept:[/] {Markup.Escape(result.Problem ?? string.Empty)}",
                    ArchiveOutcome.InUse => "[yellow]in use, skipped[/]",
                    _ => $"[green]{(result.Outcome == ArchiveOutcome.Archived ? "archived" : "already archived")}, verified[/]{(result.OriginalDeleted ? ", original deleted" : string.Empty)}",
                });
        }

        console.Write(table);
        var failed = results.Count(r => r.Outcome == ArchiveOutcome.Failed);
        console.MarkupLine($"{results.Count(r => r.Outcome == ArchiveOutcome.Archived)} archived, {failed} failed, {expired.Count} deleted by retention ({options.RetentionDays} days).");
        return failed == 0 ? 0 : 1;
    }

    private static Command CreateRepair()
    {
        var directory = DirectoryOption();
        var minimumAge = MinimumAgeOption();
        var command = new Command("repair", "Fix recordings left by a crash: header sizes from the file length, partial sample frame dropped.") { directory, minimumAge };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parseResult, cancellationToken) => await RepairAsync(
            parseResult.UnmatchedTokens.ToArray(), parseResult.GetValue(directory), parseResult.GetRequiredValue(minimumAge), AnsiConsole.Console, TimeProvider.System, cancellationToken));
        return command;
    }

    private static Command CreateArchive()
    {
        var directory = DirectoryOption();
        var minimumAge = MinimumAgeOption();
        var deleteOriginals = new Option<bool>("--delete-originals") { Description = "Delete each WAV once its MP3 is verified (default: Recordings:Archive:DeleteOriginals)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what retention would delete and what would be archived; change nothing." };
        var bitrate = new Option<int?>("--bitrate") { Description = "MP3 bit rate, kbit/s (default: Recordings:Archive:BitrateKbps)." };
        var parallelism = new Option<int?>("--parallelism") { Description = "Files encoded at once (default: Recordings:Archive:Parallelism)." };
        var command = new Command("archive", "Delete recordings past retention, then convert the rest to MP3 with LAME, verifying each archive.")
        {
            directory, minimumAge, deleteOriginals, dryRun, bitrate, parallelism,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parseResult, cancellationToken) => await ArchiveAsync(
            parseResult.UnmatchedTokens.ToArray(),
            new ArchiveRequest(
                parseResult.GetValue(directory),
                parseResult.GetValue(deleteOriginals),
                parseResult.GetValue(dryRun),
                parseResult.GetValue(bitrate),
                parseResult.GetValue(parallelism),
                parseResult.GetRequiredValue(minimumAge)),
            AnsiConsole.Console,
            TimeProvider.System,
            cancellationToken));
        return command;
    }

    private static Option<string?> DirectoryOption() =>
        new("--directory") { Description = "Recordings directory (default: Recordings:Directory, relative to the content root)." };

    private static Option<TimeSpan> MinimumAgeOption() => new("--min-age")
    {
        Description = "Leave files written more recently than this alone: a call may still be recording them.",
        DefaultValueFactory = _ => RecordingFiles.DefaultMinimumAge,
    };

    /// <summary>The <c>Recordings</c> options (validated) and the recordings root, or null after printing why not.</summary>
    private static (RecordingOptions Options, string Root)? Load(string[] configArgs, string? directory, IAnsiConsole console)
    {
        var contentRoot = HostConfiguration.ContentRoot;
        var configuration = HostConfiguration.Build(configArgs);
        using var services = new ServiceCollection().AddLogging().AddCallRecordings(configuration, contentRoot).BuildServiceProvider();
        try
        {
            var options = services.GetRequiredService<IOptions<RecordingOptions>>().Value;
            var root = directory is { Length: > 0 } ? Path.GetFullPath(directory) : services.GetRequiredService<RecordingDirectory>().Path;
            return (options, root);
        }
        catch (OptionsValidationException ex)
        {
            console.MarkupLine($"[red]Invalid Recordings configuration:[/] {Markup.Escape(ex.Message)}");
            return null;
        }
    }

    private static string Size(long bytes) => (bytes / 1024.0).ToString("0 KB", CultureInfo.InvariantCulture);
}
