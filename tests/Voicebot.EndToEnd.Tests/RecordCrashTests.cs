using Microsoft.Extensions.Logging.Abstractions;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Records;
using Voicebot.Records.Storage;
using Voicebot.Testing.Gateway;
using Voicebot.Testing.Network;
using Voicebot.Testing.Paths;
using Voicebot.Testing.Processes;

namespace Voicebot.EndToEnd.Tests;

/// <summary>
/// The call record survives <c>kill -9</c>: the real <c>voicebot serve</c>, a call past its first steps, SIGKILL, then
/// the same server started again. Runs alone, like the recording's crash test.
/// </summary>
[Collection(nameof(RecordingCrashTests))]
public sealed class RecordCrashTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Serve_KilledMidCall_RestartClosesTheCallsRecordAsInterruptedWithWhatWasCollected()
    {
        var work = RepositoryPaths.NewTemporaryDirectory("voicebot-killed");
        try
        {
            var settings = new VoicebotServeSettings
            {
                WorkingDirectory = work,
                Ports = LoopbackPorts.Take(4),   // the same server when it starts again
                Environment = new Dictionary<string, string>
                {
                    ["Orleans__ClusterId"] = $"killed-{Guid.NewGuid():N}",
                    ["Serilog__MinimumLevel__Default"] = "Warning",
                },
            };
            var store = new SqliteCallRecordStore(Path.Combine(work, "calls.db"), NullLogger<SqliteCallRecordStore>.Instance);
            var callId = Guid.NewGuid();

            await using (var bot = await VoicebotServeProcess.StartAsync(settings, _ct))
            {
                await using var caller = await FakeAsteriskClient.ConnectAsync(bot.AudioSocketPort, _ct);
                await caller.SendUuidAsync(callId, _ct);
                caller.StartAudioPump();
                // The call's draft is in the store once the bot asks for the name: that is the moment to pull the plug.
                await WaitForAsync(store, callId, r => r.VisitedStates.Contains("IDENTIFICATION_NAME"));
                await bot.KillAsync(_ct);
            }

            var draft = await store.GetAsync(callId, _ct);
            Assert.Equal(CallRecordReasons.InProgress, draft!.EndReason);

            await using (var restarted = await VoicebotServeProcess.StartAsync(settings, _ct))
            {
                var record = await WaitForAsync(store, callId, r => !CallRecordReasons.IsInProgress(r));
                Assert.Equal(CallRecordReasons.Interrupted, record.EndReason);
                Assert.Equal(CallOutcomeKind.Error, record.Outcome);
                Assert.Equal(["WELCOME", "IDENTIFICATION_NAME"], record.VisitedStates);
                Assert.Contains(record.History, turn => turn.Kind == TurnKind.Phrase && turn.Content == "welcome");
                Assert.True(File.Exists(record.RecordingPath), $"recording {record.RecordingPath}");

                var outcome = await restarted.Http.GetStringAsync(new Uri($"/calls/{callId}/outcome", UriKind.Relative), _ct);
                Assert.StartsWith("outcome=error&reason=interrupted", outcome, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Reads the call's record until it satisfies <paramref name="condition"/> (the product writes it meanwhile).</summary>
    private async Task<CallRecord> WaitForAsync(SqliteCallRecordStore store, Guid callId, Func<CallRecord, bool> condition)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(_ct);
        patience.CancelAfter(TimeSpan.FromSeconds(90));
        CallRecord? last = null;
        try
        {
            while (true)
            {
                last = await store.GetAsync(callId, patience.Token);
                if (last is not null && condition(last))
                {
                    return last;
                }

                await Task.Delay(100, patience.Token);
            }
        }
        catch (OperationCanceledException) when (!_ct.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"Call {callId}: the record never got there in 90 s; last seen: {last?.EndReason ?? "no record"} in {string.Join(",", last?.VisitedStates ?? [])}.");
        }
    }
}
