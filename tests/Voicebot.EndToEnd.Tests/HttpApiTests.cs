using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
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

        // The silo's own list of call grains (the directory may lag): none of these ids is there.
        var activations = await management.GetDetailedGrainStatistics([typeof(Grains.Calls.CallGrain).FullName!], null, _ct);
        var active = activations.Select(a => a.GrainId.ToString()).ToArray();
        Assert.DoesNotContain(ids, id => active.Any(grain => grain.Contains(id.ToString("N"), StringComparison.Ordinal)));
    }
}

public sealed class StoredCallTests(VoicebotHostFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task FinishedCall_OnceStored_IsAnsweredFromTheRecordStore_WithNoServerPath()
    {
        var run = await ScenarioCall.RunAsync(fixture, "internet-fixed", _ct);
        Assert.Equal("resolved", run.OutcomeWord);
        var justEnded = await fixture.Http.GetStringAsync($"/calls/{run.CallId}", _ct);
        var justEndedOutcome = await fixture.Http.GetStringAsync($"/calls/{run.CallId}/outcome?format=json", _ct);
        Assert.Contains(Property(justEnded, "source"), new[] { "live", "record" });   // the record may already be stored

        // Once the final record is in the store, the store answers (as it does after a restart, when no grain is left).
        await fixture.App.Services.GetRequiredService<ICallRecordSink>().FlushAsync(_ct);
        var line = await fixture.Http.GetStringAsync($"/calls/{run.CallId}/outcome", _ct);
        Assert.StartsWith("outcome=resolved&reason=", line, StringComparison.Ordinal);
        var stored = await fixture.Http.GetStringAsync($"/calls/{run.CallId}", _ct);
        Assert.Equal("record", Property(stored, "source"));
        Assert.Contains("IDENTIFICATION_NAME", stored, StringComparison.Ordinal);

        // The name clip and the recording are named relative to the data, never by a server path.
        foreach (var body in new[] { justEnded, justEndedOutcome, stored })
        {
            Assert.Contains("name_clip", body, StringComparison.Ordinal);
            Assert.DoesNotContain(fixture.DataDirectory, body, StringComparison.Ordinal);
            Assert.DoesNotContain("\"/", body, StringComparison.Ordinal);
        }
    }

    private static string? Property(string json, string name)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty(name).GetString();
    }
}
