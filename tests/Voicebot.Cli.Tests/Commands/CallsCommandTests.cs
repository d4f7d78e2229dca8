using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Records;
using Voicebot.Cli.Commands;
using Voicebot.Records.Storage;
using Voicebot.Testing.Consoles;
using Voicebot.Testing.Paths;
using Voicebot.Testing.Servers;

namespace Voicebot.Cli.Tests.Commands;

/// <summary>Reads records from a real SQLite store in a temporary directory, as the host writes them.</summary>
public sealed class CallsCommandTests : IDisposable
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private readonly string _directory = RepositoryPaths.NewTemporaryDirectory("voicebot-calls");

    private string DatabasePath => Path.Combine(_directory, "calls.db");

    private string[] ConfigArgs => [$"--Records:SqlitePath={DatabasePath}"];

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static (IAnsiConsole Console, StringWriter Output) TestConsole() => TestConsoles.Create();

    private static CallRecord Record(DateTimeOffset startedAt, CallOutcomeKind outcome, string caller) => new(
        Guid.NewGuid(),
        "silo-a",
        "127.0.0.1:40000",
        caller,
        startedAt,
        startedAt.AddSeconds(75),
        outcome,
        "completed",
        new Dictionary<string, string> { ["phone"] = caller, ["problem"] = "box en panne" },
        ["WELCOME", "ASK_PHONE", "ASK_PROBLEM", "TRANSFER"],
        [
            new ConversationTurn(startedAt.AddSeconds(1), Speaker.Bot, TurnKind.Phrase, "welcome", "WELCOME"),
            new ConversationTurn(startedAt.AddSeconds(9), Speaker.Caller, TurnKind.Text, "box en panne", "ASK_PROBLEM"),
        ],
        [
            new TurnTiming(1, "ASK_PHONE", "dtmf", caller, startedAt.AddSeconds(5), null, null, null, TimeSpan.FromMilliseconds(38), 2, "ask_problem"),
            new TurnTiming(2, "ASK_PROBLEM", "speech", "box en panne", startedAt.AddSeconds(9),
                TimeSpan.FromMilliseconds(312), TimeSpan.FromMilliseconds(655), TimeSpan.FromMilliseconds(871), TimeSpan.FromMilliseconds(934), 3, "Je vous passe un technicien."),
        ],
        [new ProviderError(startedAt.AddSeconds(10), "synthesizer", "timeout", "OpenAI TTS did not answer")],
        "/var/lib/voicebot/recordings/call.wav");

    private async Task<List<CallRecord>> SeedAsync(params CallRecord[] records)
    {
        var store = new SqliteCallRecordStore(DatabasePath, NullLogger<SqliteCallRecordStore>.Instance);
        foreach (var record in records)
        {
            await store.SaveAsync(record, TestContext.Current.CancellationToken);
        }

        return [.. records];
    }

    [Fact]
    public async Task ShowAsync_RecordedCall_RendersHeaderSlotsTurnsWithTimingsAndErrors()
    {
        var (console, output) = TestConsole();
        var record = (await SeedAsync(Record(Noon, CallOutcomeKind.Transfer, "0612345678")))[0];

        var exit = await CallsCommand.ShowAsync(ConfigArgs, record.CallId.ToString(), console, TestContext.Current.CancellationToken);

        Assert.Equal(CallsCommand.Success, exit);
        var text = output.ToString();
        Assert.Contains(record.CallId.ToString(), text, StringComparison.Ordinal);
        Assert.Contains("Transfer (completed)", text, StringComparison.Ordinal);
        Assert.Contains("1:15", text, StringComparison.Ordinal);
        Assert.Contains("box en panne", text, StringComparison.Ordinal);
        Assert.Contains("WELCOME > ASK_PHONE > ASK_PROBLEM > TRANSFER", text, StringComparison.Ordinal);
        var speechTurn = Assert.Single(text.Split('\n'), l => l.Contains("Je vous passe un technicien.", StringComparison.Ordinal));
        Assert.Matches(@"312 ms.*655 ms.*871 ms.*934 ms", speechTurn);
        var keyTurn = Assert.Single(text.Split('\n'), l => l.Contains("ask_problem", StringComparison.Ordinal));
        Assert.Matches(@"dtmf.*0612345678.*-.*-.*-.*38 ms", keyTurn);
        Assert.Contains("OpenAI TTS did not answer", text, StringComparison.Ordinal);
        Assert.Contains("/var/lib/voicebot/recordings/call.wav", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShowAsync_PostgresConfigured_ReadsTheRecordFromTheServer()
    {
        var ct = TestContext.Current.CancellationToken;
        var (console, output) = TestConsole();
        await using var server = await PostgresServer.CreateAsync(ct);
        var record = Record(Noon, CallOutcomeKind.NoTechnician, "0699999999");
        await using (var store = new PostgresCallRecordStore(server.ConnectionString, NullLogger<PostgresCallRecordStore>.Instance))
        {
            await store.SaveAsync(record, ct);
        }

        string[] args = ["--Records:Provider=postgres", $"--Records:PostgresConnectionString={server.ConnectionString}"];
        var exit = await CallsCommand.ShowAsync(args, record.CallId.ToString(), console, ct);

        Assert.Equal(CallsCommand.Success, exit);
        Assert.Contains("NoTechnician (completed)", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("0699999999", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShowAsync_UnknownCall_ExplainsAndReturnsNotFound()
    {
        var (console, output) = TestConsole();
        await SeedAsync(Record(Noon, CallOutcomeKind.Transfer, "0612345678"));
        var unknown = Guid.NewGuid();

        var exit = await CallsCommand.ShowAsync(ConfigArgs, unknown.ToString(), console, TestContext.Current.CancellationToken);

        Assert.Equal(CallsCommand.NotFound, exit);
        Assert.Contains($"No call record for {unknown}", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_SinceAndOutcome_ListsMatchingCallsNewestFirst()
    {
        var (console, output) = TestConsole();
        var time = new FakeTimeProvider(Noon.AddHours(3));
        var records = await SeedAsync(
            Record(Noon.AddHours(-5), CallOutcomeKind.Transfer, "0600000001"),
            Record(Noon.AddHours(1), CallOutcomeKind.Abandoned, "0600000002"),
            Record(Noon.AddHours(2), CallOutcomeKind.Transfer, "0600000003"),
            Record(Noon.AddHours(2.5), CallOutcomeKind.Transfer, "0600000004"));

        var exit = await CallsCommand.ListAsync(ConfigArgs, "4h", null, "transfer", 50, console, time, TestContext.Current.CancellationToken);

        Assert.Equal(CallsCommand.Success, exit);
        var text = output.ToString();
        Assert.DoesNotContain(records[0].CallId.ToString(), text, StringComparison.Ordinal);
        Assert.DoesNotContain(records[1].CallId.ToString(), text, StringComparison.Ordinal);
        var newer = text.IndexOf(records[3].CallId.ToString(), StringComparison.Ordinal);
        var older = text.IndexOf(records[2].CallId.ToString(), StringComparison.Ordinal);
        Assert.True(newer >= 0 && older > newer, "newest first");
        var line = Assert.Single(text.Split('\n'), l => l.Contains(records[3].CallId.ToString(), StringComparison.Ordinal));
        Assert.Matches(@"0600000004.*1:15.*Transfer.*completed.*2", line);
        Assert.Contains("2 call(s)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_UnknownOutcome_ExplainsTheChoices()
    {
        var (console, output) = TestConsole();

        var exit = await CallsCommand.ListAsync(ConfigArgs, null, null, "hung-up", 50, console, TimeProvider.System, TestContext.Current.CancellationToken);

        Assert.Equal(CallsCommand.InvalidArguments, exit);
        Assert.Contains("no-technician", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_PostgresUnreachable_ExplainsWithoutPrintingTheSecret()
    {
        var (console, output) = TestConsole();
        var port = Voicebot.Testing.Network.LoopbackPorts.Take(1)[0];
        string[] args =
        [
            "--Records:Provider=postgres",
            $"--Records:PostgresConnectionString=Host=127.0.0.1;Port={port};Username=voicebot;Password=hunter2;Database=calls;Timeout=3",
        ];

        var exit = await CallsCommand.ListAsync(args, null, null, null, 50, console, TimeProvider.System, TestContext.Current.CancellationToken);

        Assert.Equal(CallsCommand.StoreUnavailable, exit);
        var text = output.ToString();
        Assert.Contains($"Cannot read the call records from PostgreSQL 127.0.0.1:{port}/calls", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
    }
}
