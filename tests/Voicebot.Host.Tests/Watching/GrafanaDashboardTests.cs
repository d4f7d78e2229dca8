using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Prometheus;
using Voicebot.Gateway;
using Voicebot.Gateway.Calls;
using Voicebot.Gateway.Watching;
using Voicebot.Grains.Calls;
using Voicebot.Host.Watching;
using Voicebot.Testing.Paths;

namespace Voicebot.Host.Tests.Watching;

/// <summary>The dashboard queries series the product really exports, under the names the bridge gives them.</summary>
public sealed partial class GrafanaDashboardTests
{
    private static readonly string DashboardPath = Path.Combine(RepositoryPaths.Root, "deploy", "grafana", "voicebot-dashboard.json");

    [Fact]
    public async Task EveryVoicebotSeriesTheDashboardQueries_IsExported()
    {
        var exported = await ExportedMetricNamesAsync();
        var queried = QueriedMetricNames().Where(n => n.StartsWith("voicebot_", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(queried);
        Assert.All(queried, name => Assert.Contains(name, exported));
    }

    [Fact]
    public void Dashboard_HasAPrometheusDatasourceVariable_AndEveryPanelUsesIt()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var variables = dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray().ToList();

        Assert.Contains(variables, v => v.GetProperty("type").GetString() == "datasource" && v.GetProperty("query").GetString() == "prometheus");
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() != "row").ToList();
        Assert.All(panels, p => Assert.Equal("${datasource}", p.GetProperty("datasource").GetProperty("uid").GetString()));
    }

    [Fact]
    public void Dashboard_CoversWhatTheOperatorsWatch()
    {
        var queried = QueriedMetricNames();

        foreach (var name in new[]
        {
            "voicebot_calls_active", "voicebot_calls_ended_total", "voicebot_admissions_refused_total",
            "voicebot_turn_stage_latency_seconds", "voicebot_frames_lateness_seconds", "voicebot_bargeins_total",
            "voicebot_bargeins_false_total", "voicebot_provider_failures_total", "process_cpu_seconds_total",
            "process_working_set_bytes", "orleans_catalog_activations", "orleans_streams_pubsub_producers",
        })
        {
            Assert.Contains(name, queried);
        }
    }

    private static HashSet<string> QueriedMetricNames()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
        {
            if (!panel.TryGetProperty("targets", out var targets))
            {
                continue;
            }

            foreach (var target in targets.EnumerateArray())
            {
                foreach (Match match in MetricName().Matches(target.GetProperty("expr").GetString()!))
                {
                    names.Add(HistogramSuffix().Replace(match.Value, string.Empty));
                }
            }
        }

        return names;
    }

    /// <summary>Records once on every call and gateway instrument, through the bridge, and lists the metric families.</summary>
    private static async Task<HashSet<string>> ExportedMetricNamesAsync()
    {
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var bridge = new PrometheusMeterBridge(meters);
        using var calls = new CallMetrics(meters);
        var registry = new CallRegistry(Options.Create(new AudioSocketOptions()));
        using var gateway = new GatewayMetrics(meters, registry);

        calls.Ended("Resolved");
        calls.BargedIn("gateway");
        calls.FalseBargeIn();
        calls.ProviderFailed("recognizer");
        calls.TurnStage("turn", TimeSpan.FromSeconds(1));
        gateway.AdmissionRefused(CallAdmission.Busy);
        gateway.TickRan(TimeSpan.FromMilliseconds(1));
        gateway.Underrun();
        gateway.StarvedFrame();

        using var stream = new MemoryStream();
        await bridge.Registry.CollectAndExportAsTextAsync(stream, ExpositionFormat.PrometheusText, TestContext.Current.CancellationToken);
        return Encoding.UTF8.GetString(stream.ToArray())
            .Split('\n')
            .Where(line => line.StartsWith("# TYPE ", StringComparison.Ordinal))
            .Select(line => line.Split(' ')[2])
            .ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"\b(voicebot|process|dotnet|orleans)_[a-z0-9_]+")]
    private static partial Regex MetricName();

    [GeneratedRegex("_(bucket|count|sum)$")]
    private static partial Regex HistogramSuffix();
}
