using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Voicebot.Protocol;
using Voicebot.Testing.Gateway;
using Voicebot.Testing.Processes;
using Voicebot.Testing.Servers;

namespace Voicebot.Cluster.Tests;

/// <summary>
/// Two real <c>voicebot serve</c> processes clustered through a real Redis or PostgreSQL server: both see each other,
/// each call's grain runs on the silo whose gateway holds its socket, and when one silo gets SIGTERM mid-call it drains
/// its call politely and exits 0 while the other keeps serving. Both silos write call records to one PostgreSQL server, and
/// every call placed on either silo ends up there.
/// </summary>
public sealed class TwoSiloClusterTests
{
    [Fact]
    public async Task RedisClustering_TwoSilos_ServeTheirOwnCallsAndSurviveOneStopping()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await RedisServer.StartAsync(ct);
        await using var postgres = await PostgresServer.CreateAsync(ct);

        await RunClusterScenarioAsync(
            new() { ["Orleans__Membership"] = "redis", ["Orleans__RedisConnectionString"] = redis.ConnectionString }, postgres, ct);
    }

    [Fact]
    public async Task PostgresClustering_TwoSilos_ServeTheirOwnCallsAndSurviveOneStopping()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var postgres = await PostgresServer.CreateAsync(ct);

        await RunClusterScenarioAsync(
            new() { ["Orleans__Membership"] = "postgres", ["Orleans__PostgresConnectionString"] = postgres.ConnectionString }, postgres, ct);
    }

    private static async Task RunClusterScenarioAsync(Dictionary<string, string> clustering, PostgresServer records, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromMinutes(2));
        var token = deadline.Token;
        var common = new Dictionary<string, string>(clustering)
        {
            ["Orleans__ClusterId"] = $"test-{Guid.NewGuid():N}",
            ["Orleans__AdvertisedAddress"] = "127.0.0.1",
            ["Records__Provider"] = "postgres",
            ["Records__PostgresConnectionString"] = records.ConnectionString,
            ["Calls__SilenceGiveUp"] = "00:01:00",
            ["Calls__SilenceReprompt"] = "00:00:50",
            // Quiet, except for the lifetime and the membership decisions, which failure messages show.
            ["Serilog__MinimumLevel__Default"] = "Warning",
            ["Serilog__MinimumLevel__Override__Microsoft.Hosting.Lifetime"] = "Information",
            ["Serilog__MinimumLevel__Override__Orleans.Runtime.MembershipService"] = "Information",
        };

        // One after the other: the first warms the shared phrase cache, the second finds it ready. Each writes its
        // spool and files under its own working directory.
        // The first silo will be stopped mid-call: a short drain deadline so its call hears the goodbye quickly, and
        // its HTTP endpoint lingers long enough to read that call's outcome.
        var drainFast = new Dictionary<string, string>(common) { ["Drain__Deadline"] = "00:00:02", ["Drain__OutcomeLinger"] = "00:00:10" };
        await using var first = await VoicebotServeProcess.StartAsync(new VoicebotServeSettings { Environment = drainFast }, token);
        await using var second = await VoicebotServeProcess.StartAsync(new VoicebotServeSettings { Environment = common }, token);

        try
        {
            var calls = await RunWithSilosAsync(first, second, token);

            // No record lost: every call, on either silo, is in the shared store.
            Assert.Empty(await MissingRecordsAsync(records, calls, token));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || deadline.IsCancellationRequested)
        {
            throw new InvalidOperationException($"{ex.Message}\n--- silo-a ---\n{first.OutputText}\n--- silo-b ---\n{second.OutputText}", ex);
        }
    }

    /// <summary>Runs the calls; returns the ids of the calls that ended with an outcome, whose records must be stored.</summary>
    private static async Task<Guid[]> RunWithSilosAsync(VoicebotServeProcess first, VoicebotServeProcess second, CancellationToken token)
    {
        var (viewA, viewB) = await WaitForTwoActiveSilosAsync(first, second, token);
        Assert.NotEqual(viewA.Local, viewB.Local);

        // A call on each gateway: the grain lives on that gateway's silo, and the other silo finds it there.
        await using var callOnA = await PlaceCallAsync(first, Guid.NewGuid(), token);
        await using var callOnB = await PlaceCallAsync(second, Guid.NewGuid(), token);
        Assert.Equal(viewA.Local, await GetCallSiloAsync(first, callOnA.Id, token));
        Assert.Equal(viewB.Local, await GetCallSiloAsync(second, callOnB.Id, token));
        Assert.Equal(viewA.Local, await GetCallSiloAsync(second, callOnA.Id, token));

        // SIGTERM to the first silo mid-call: its call is drained politely (the goodbye, then the AudioSocket hang-up,
        // outcome "shutdown"), and the process exits 0.
        await first.TerminateAsync(token);
        var goodbye = await callOnA.Client.ReadUntilHangupAsync(token);
        var drained = await WaitForOutcomeAsync(first, callOnA.Id, token);
        Assert.Equal("shutdown", drained.Reason);

        Assert.Contains(goodbye, frame => frame.Kind == AudioSocketKind.Audio && !frame.IsSilence);
        Assert.Equal(0, await first.WaitForExitAsync(Timeout.InfiniteTimeSpan, token));

        // The survivor sees the stopped silo leave the cluster (at once when it left gracefully, else once it is
        // declared dead), and keeps serving: its call is still up, and a new call completes with an outcome.
        await WaitUntilAsync(async () => !(await GetClusterAsync(second, token)).Silos.Any(s => s.Address == viewA.Local && s.Status == "Active"), token);
        Assert.False(callOnB.Client.Closed.IsCompleted);
        for (var frame = 0; frame < 50; frame++)
        {
            Assert.NotNull(await callOnB.Client.ReadFrameAsync(token));   // still paced every 20 ms by silo B
        }

        var newCallId = Guid.NewGuid();
        await using (var newCall = await PlaceCallAsync(second, newCallId, token))
        {
            await newCall.Client.HangUpAsync();
            var outcome = await WaitForOutcomeAsync(second, newCall.Id, token);
            Assert.Equal("abandoned", outcome.Outcome);
        }

        // The survivor's own call kept its grain (state and history) through the other silo's departure: the caller's
        // hang-up ends it with an outcome and a record like any other.
        await callOnB.Client.HangUpAsync();
        var survivor = await WaitForOutcomeAsync(second, callOnB.Id, token);
        Assert.Equal("abandoned", survivor.Outcome);
        return [callOnA.Id, callOnB.Id, newCallId];
    }

    private static async Task<(ClusterView A, ClusterView B)> WaitForTwoActiveSilosAsync(VoicebotServeProcess first, VoicebotServeProcess second, CancellationToken ct)
    {
        while (true)
        {
            var a = await GetClusterAsync(first, ct);
            var b = await GetClusterAsync(second, ct);
            if (ActiveAddresses(a).SetEquals([a.Local, b.Local]) && ActiveAddresses(b).SetEquals([a.Local, b.Local]))
            {
                return (a, b);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
    }

    /// <summary>The calls whose record is still not in the store after a while (records are written after the call).</summary>
    private static async Task<Guid[]> MissingRecordsAsync(PostgresServer records, IReadOnlyList<Guid> calls, CancellationToken ct)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(ct);
        patience.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var stored = await StoredCallIdsAsync(records, ct);
            var missing = calls.Where(id => !stored.Contains(id)).ToArray();
            if (missing.Length == 0 || patience.IsCancellationRequested)
            {
                return missing;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
    }

    private static async Task<HashSet<Guid>> StoredCallIdsAsync(PostgresServer records, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(records.ConnectionString);
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT to_regclass('voicebot_call_records') IS NOT NULL", connection);
        if (!(bool)(await exists.ExecuteScalarAsync(ct))!)
        {
            return [];
        }

        await using var command = new NpgsqlCommand("SELECT call_id FROM voicebot_call_records", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var ids = new HashSet<Guid>();
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    private static async Task<ClusterView> GetClusterAsync(VoicebotServeProcess silo, CancellationToken ct) =>
        await silo.Http.GetFromJsonAsync<ClusterView>("/cluster/silos", JsonSerializerOptions.Web, ct)
        ?? throw new InvalidOperationException("empty /cluster/silos");

    /// <summary>The silo that hosts a call's grain, from <c>GET /calls/{id}</c>.</summary>
    private static async Task<string?> GetCallSiloAsync(VoicebotServeProcess silo, Guid callId, CancellationToken ct)
    {
        using var snapshot = JsonDocument.Parse(await silo.Http.GetStringAsync($"/calls/{callId:D}", ct));
        return snapshot.RootElement.GetProperty("silo").GetString();
    }

    private static HashSet<string> ActiveAddresses(ClusterView view) =>
        view.Silos.Where(s => s.Status == "Active").Select(s => s.Address).ToHashSet(StringComparer.Ordinal);

    private static async Task<PlacedCall> PlaceCallAsync(VoicebotServeProcess silo, Guid callId, CancellationToken ct)
    {
        var client = await FakeAsteriskClient.ConnectAsync(silo.AudioSocketPort, ct);
        await client.SendUuidAsync(callId, ct);
        client.StartAudioPump();

        // The bot's greeting: the call is up and its grain is running.
        await client.ReadUntilAsync(frame => frame.Kind == AudioSocketKind.Audio && !frame.IsSilence, ct);
        return new PlacedCall(callId, client);
    }

    private static async Task<(string Outcome, string Reason)> WaitForOutcomeAsync(VoicebotServeProcess silo, Guid callId, CancellationToken ct)
    {
        while (true)
        {
            using var response = await silo.Http.GetAsync($"/calls/{callId:D}/outcome?format=json", ct);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
                return (body.RootElement.GetProperty("outcome").GetString()!, body.RootElement.GetProperty("reason").GetString()!);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, CancellationToken ct)
    {
        while (!await condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
    }

    private sealed record PlacedCall(Guid Id, FakeAsteriskClient Client) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Client.DisposeAsync();
    }
}
