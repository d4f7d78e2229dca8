using Voicebot.Abstractions.Calls;

namespace Voicebot.Grains.Tests.Calls;

/// <summary>Its own two-silo cluster: this test stops a silo.</summary>
public sealed class FailoverClusterFixture : VoicebotClusterFixture
{
}

[CollectionDefinition(Name)]
public sealed class FailoverCluster : ICollectionFixture<FailoverClusterFixture>
{
    public const string Name = nameof(FailoverCluster);
}

[Collection(FailoverCluster.Name)]
public sealed class CallGrainFailoverTests(FailoverClusterFixture fixture)
{
    [Fact]
    public async Task OtherSiloStopped_MidCall_TheCallCarriesOnToItsOutcome()
    {
        var ct = TestContext.Current.CancellationToken;
        var silos = fixture.Cluster.Silos.ToArray();
        Assert.Equal(2, silos.Length);

        // Find a call whose grain lives on the first silo, then stop the second one.
        TestCall? call = null;
        for (var attempt = 0; attempt < 20 && call is null; attempt++)
        {
            var candidate = await fixture.StartCallAsync();
            var silo = (await candidate.Grain.GetSnapshotAsync()).Silo;
            if (silo is not null && silo.Contains(silos[0].SiloAddress.Endpoint.ToString(), StringComparison.Ordinal))
            {
                call = candidate;
            }
            else
            {
                await candidate.Grain.HangUpAsync(HangupReason.CallerHungUp);
            }
        }

        Assert.NotNull(call);
        await call.Sink.WaitForPhraseAsync("ask_name", ct);
        await fixture.Cluster.StopSiloAsync(silos[1], ct);
        await fixture.Cluster.WaitForLivenessToStabilizeAsync();

        await call.SpeakAsync();
        await call.PressAsync("#");
        await call.Sink.WaitForPhraseAsync("ask_phone", ct, timeout: TimeSpan.FromSeconds(60));
        await call.PressAsync("0612345678#");
        await call.Sink.WaitForPhraseAsync("ask_problem", ct);
        await call.PressAsync("1");
        await call.Sink.WaitForPhraseAsync("ask_fixed", ct);
        await call.PressAsync("1");
        await call.Sink.WaitForHangUpAsync(ct);

        var snapshot = await call.Grain.GetSnapshotAsync();
        Assert.Equal(CallOutcomeKind.Resolved, snapshot.Outcome!.Outcome);
        Assert.Contains(silos[0].SiloAddress.Endpoint.ToString(), snapshot.Silo, StringComparison.Ordinal);
        Assert.Single(fixture.Cluster.GetActiveSilos());
    }
}
