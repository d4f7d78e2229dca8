using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Records;

namespace Voicebot.EndToEnd.Tests;

/// <summary>The HTTP API as an outsider and the dialplan meet it: the token, unknown ids, no server paths.</summary>
public sealed class HttpApiTests(VoicebotHostFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task CallData_WithoutTheOperatorToken_IsRefused_TheDialplansOutcomeOnLoopbackIsNot()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Http.BaseAddress };
        var unknown = Guid.NewGuid();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/calls/{unknown}", _ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/cluster/silos", _ct)).StatusCode);
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/cluster/silos"))
        {
            wrong.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", VoicebotHostFixture.OperatorToken + "x");
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(wrong, _ct)).StatusCode);
        }

        // The token as a dialplan's CURL() can send it, in the query; and as a header.
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/calls/{unknown}?access_token={VoicebotHostFixture.OperatorToken}", _ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync("/cluster/silos", _ct)).StatusCode);

        // Asterisk on this machine asks for the outcome without a token.
        using var outcome = await anonymous.GetAsync($"/calls/{unknown}/outcome", _ct);
        Assert.Equal(HttpStatusCode.NotFound, outcome.StatusCode);
        Assert.Equal("outcome=unknown", await outcome.Content.ReadAsStringAsync(_ct));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live", _ct)).StatusCode);
    }

    [Fact]
    public async Task UnknownCallIds_AreAnsweredWithoutActivatingAGrain()
    {
        var grains = fixture.App.Services.GetRequiredService<IGrainFactory>();
        var management = grains.GetGrain<IManagementGrain>(0);
        var ids = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).ToArray();

        foreach (var id in ids)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await fixture.Http.GetAsync($"/calls/{id}/outcome?format=json", _ct)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await fixture.Http.GetAsync($"/calls/{id}", _ct)).StatusCode);
        }

        foreach (var id in ids)
        {
            Assert.Null(await management.GetActivationAddress(grains.GetGrain<ICallGrain>(id), _ct));
        }
    }
}

/// <summary>Runs alone: it has the silo collect every idle activation, as if the grains had aged out or the host restarted.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GrainCollectionCollection
{
    public const string Name = "Grain collection (runs alone: it deactivates every idle grain)";
}

[Collection(GrainCollectionCollection.Name)]
public sealed class StoredCallTests(VoicebotHostFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task FinishedCall_OnceItsGrainIsGone_IsAnsweredFromTheRecordStore_WithNoServerPath()
    {
        var run = await ScenarioCall.RunAsync(fixture, "internet-fixed", _ct);
        Assert.Equal("resolved", run.OutcomeWord);
        var live = await fixture.Http.GetStringAsync($"/calls/{run.CallId}", _ct);
        var liveOutcome = await fixture.Http.GetStringAsync($"/calls/{run.CallId}/outcome?format=json", _ct);
        Assert.Contains(Property(live, "source"), new[] { "live", "record" });   // the record may already be stored

        await fixture.App.Services.GetRequiredService<ICallRecordSink>().FlushAsync(_ct);
        var grains = fixture.App.Services.GetRequiredService<IGrainFactory>();
        var management = grains.GetGrain<IManagementGrain>(0);
        while (await IsActiveAsync(management, run.CallId))
        {
            await management.ForceActivationCollection(TimeSpan.Zero, _ct);
        }

        var line = await fixture.Http.GetStringAsync($"/calls/{run.CallId}/outcome", _ct);
        Assert.StartsWith("outcome=resolved&reason=", line, StringComparison.Ordinal);
        var stored = await fixture.Http.GetStringAsync($"/calls/{run.CallId}", _ct);
        Assert.Equal("record", Property(stored, "source"));
        Assert.Contains("IDENTIFICATION_NAME", stored, StringComparison.Ordinal);
        Assert.False(await IsActiveAsync(management, run.CallId), "reading a stored call activated its grain again");

        // The name clip and the recording are named relative to the data, never by a server path.
        foreach (var body in new[] { live, liveOutcome, stored })
        {
            Assert.Contains("name_clip", body, StringComparison.Ordinal);
            Assert.DoesNotContain(fixture.DataDirectory, body, StringComparison.Ordinal);
            Assert.DoesNotContain("\"/", body, StringComparison.Ordinal);
        }
    }

    /// <summary>Whether the call's grain has an activation (the silo's own list: the directory may lag behind a collection).</summary>
    private async Task<bool> IsActiveAsync(IManagementGrain management, Guid callId)
    {
        var activations = await management.GetDetailedGrainStatistics([typeof(Grains.Calls.CallGrain).FullName!], null, _ct);
        return activations.Any(a => a.GrainId.ToString().Contains(callId.ToString("N"), StringComparison.Ordinal));
    }

    private static string? Property(string json, string name)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty(name).GetString();
    }
}
