using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Voicebot.EndToEnd.Tests;

/// <summary>
/// A host of its own (the shared one serves calls in parallel, which would blur counts): one scripted call, then what
/// an operator sees of it in <c>/metrics</c>, <c>/health/ready</c> and the JSON log file.
/// </summary>
public sealed class WatchedHostFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ScenarioRun? _call;

    public VoicebotHostFixture Host { get; } = new();

    public async ValueTask InitializeAsync()
    {
        Host.Settings["Serilog:MinimumLevel:Default"] = "Information";
        await Host.InitializeAsync();
    }

    /// <summary>The one scripted call (internet-fixed), placed by whichever test needs it first.</summary>
    public async Task<ScenarioRun> CallAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _call ??= await ScenarioCall.RunAsync(Host, "internet-fixed", cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        _gate.Dispose();
    }
}

public sealed class WatchingTests(WatchedHostFixture watched) : IClassFixture<WatchedHostFixture>
{
    [Fact]
    public async Task ScriptedCall_ThenScrape_ShowsTheCallEndedNoneActiveAndPacedFrames_WithoutACallIdLabel()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = await watched.CallAsync(ct);
        Assert.Equal("resolved", run.OutcomeWord);

        // The gateway frees the slot as the socket closes, a moment after the outcome is known: wait for it, bounded.
        var (text, series) = await ScrapeAsync(ct);
        for (var i = 0; i < 100 && series.GetValueOrDefault("voicebot_calls_active", -1) != 0; i++)
        {
            await Task.Delay(50, ct);
            (text, series) = await ScrapeAsync(ct);
        }

        Assert.Equal(0, series["voicebot_calls_active"]);
        Assert.Equal(VoicebotHostFixture.MaxConcurrentCalls, series["voicebot_calls_capacity"]);
        Assert.Equal(1, series["voicebot_calls_ended_total{outcome=\"Resolved\"}"]);
        Assert.DoesNotContain(series.Keys, k => k.StartsWith("voicebot_admissions_refused_total", StringComparison.Ordinal));

        // One lateness sample per pacer tick: a call of several seconds is hundreds of ticks.
        Assert.True(series["voicebot_frames_lateness_seconds_count"] >= 100, text);
        Assert.True(series["voicebot_frames_lateness_seconds_bucket{le=\"0.5\"}"] >= 100, text);

        Assert.True(series.ContainsKey("orleans_catalog_activations{grain_type=\"call\"}"), text);
        Assert.True(series.ContainsKey("process_cpu_seconds_total"), text);
        Assert.True(series.ContainsKey("process_working_set_bytes"), text);
        Assert.True(series.ContainsKey("dotnet_gc_pause_time_seconds_total"), text);
        Assert.True(series.ContainsKey("dotnet_gc_heap_total_allocated_total"), text);

        // Cardinality: the call id is in the logs and the call record, never in a label.
        Assert.DoesNotContain(run.CallId.ToString(), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("call_id", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("callid", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Ready_ListsEachConditionHealthyInJson()
    {
        var ct = TestContext.Current.CancellationToken;

        using var response = await watched.Host.Http.GetAsync(new Uri("/health/ready", UriKind.Relative), ct);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks");
        foreach (var name in new[] { "host", "silo", "gateway", "phrase-cache" })
        {
            Assert.Equal("Healthy", checks.GetProperty(name).GetProperty("status").GetString());
        }

        Assert.Contains(watched.Host.AudioSocketPort.ToString(CultureInfo.InvariantCulture), checks.GetProperty("gateway").GetProperty("description").GetString());
    }

    [Fact]
    public async Task JsonLogFile_EveryLineAboutTheCall_CarriesItsCallId_FromTheGatewayAndTheGrain()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = await watched.CallAsync(ct);
        var callId = run.CallId.ToString();

        // The gateway logs the end as the socket closes; the file sink writes each event through.
        var lines = await ReadLogAsync(ct);
        for (var i = 0; i < 100 && !lines.Any(l => IsEvent(l, "CallEnded") && HasCallId(l, callId) && Source(l).StartsWith("Voicebot.Gateway", StringComparison.Ordinal)); i++)
        {
            await Task.Delay(50, ct);
            lines = await ReadLogAsync(ct);
        }

        var ofTheCall = lines.Where(l => HasCallId(l, callId)).ToList();
        Assert.Contains(ofTheCall, l => IsEvent(l, "CallConnected"));
        Assert.Contains(ofTheCall, l => Source(l) == "Voicebot.Grains.Calls.CallGrain" && IsEvent(l, "CallStarted"));
        Assert.Contains(ofTheCall, l => Source(l) == "Voicebot.Grains.Calls.CallGrain" && IsEvent(l, "CallEnded"));
        Assert.Contains(ofTheCall, l => Source(l).StartsWith("Voicebot.Gateway", StringComparison.Ordinal) && IsEvent(l, "CallEnded"));

        // A line that names the call anywhere names it as the CallId property too (so a query on CallId finds it).
        var mentioning = lines.Where(l => l.GetRawText().Contains(callId, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.All(mentioning, l => Assert.True(HasCallId(l, callId), l.GetRawText()));
    }

    private async Task<(string Text, Dictionary<string, double> Series)> ScrapeAsync(CancellationToken ct)
    {
        var text = await watched.Host.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative), ct);
        var series = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith('#'))
            {
                var space = line.LastIndexOf(' ');
                series[line[..space]] = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return (text, series);
    }

    private async Task<List<JsonElement>> ReadLogAsync(CancellationToken ct)
    {
        var lines = new List<JsonElement>();
        foreach (var file in Directory.EnumerateFiles(watched.Host.LogDirectory, "voicebot-*.json"))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (line.Length > 0 && line.EndsWith('}'))
                {
                    lines.Add(JsonDocument.Parse(line).RootElement.Clone());
                }
            }
        }

        return lines;
    }

    private static bool HasCallId(JsonElement line, string callId) =>
        line.TryGetProperty("CallId", out var id) && string.Equals(id.GetString(), callId, StringComparison.OrdinalIgnoreCase);

    private static bool IsEvent(JsonElement line, string name) =>
        line.TryGetProperty("EventId", out var id) && id.TryGetProperty("Name", out var eventName) && eventName.GetString() == name;

    private static string Source(JsonElement line) =>
        line.TryGetProperty("SourceContext", out var source) ? source.GetString() ?? string.Empty : string.Empty;
}
