using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Voicebot.Bench.Streams;

namespace Voicebot.Bench.Running;

/// <summary>One silo set up like the product's (memory streams + <c>PubSubStore</c>), with a co-hosted client.</summary>
public static class BenchSilo
{
    /// <summary>Away from the product's defaults (11111 / 30000), so a running bot is left alone.</summary>
    public const int BaseSiloPort = 21111;

    public const int BaseGatewayPort = 40000;

    /// <param name="pullingPeriod">The pulling agents' <c>GetQueueMsgsTimerPeriod</c>.</param>
    /// <param name="portOffset">Added to both ports, so a silo never waits for its predecessor's sockets.</param>
    public static IHost Build(TimeSpan pullingPeriod, int portOffset)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Error).AddSimpleConsole();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(BaseSiloPort + portOffset, BaseGatewayPort + portOffset, serviceId: "voicebot-bench", clusterId: "voicebot-bench");
            silo.AddMemoryStreams(BenchStreams.Provider, streams => streams.ConfigurePullingAgent(agent =>
                agent.Configure(o => o.GetQueueMsgsTimerPeriod = pullingPeriod)));
            silo.AddMemoryGrainStorage("PubSubStore");
        });
        builder.Services.AddSingleton<LatencyRecorder>();
        return builder.Build();
    }
}
