using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using Voicebot.Abstractions;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Records;
using Voicebot.Abstractions.Speech;
using Voicebot.Abstractions.Technicians;
using Voicebot.Grains.Audio;
using Voicebot.Grains.Calls;
using Voicebot.Streaming;
using Voicebot.Testing.Fakes;
using Voicebot.Testing.Paths;

namespace Voicebot.Grains.Tests;

/// <summary>
/// A two-silo in-process cluster running the real grains, the real flow and phrases from assets/, the production media
/// stream, a tone synthesizer instead of espeak-ng, a fake call clock and switchable technician availability. Shared
/// by a collection.
/// </summary>
public class VoicebotClusterFixture : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 6, 9, 0, 0, TimeSpan.Zero));

    public SwitchableTechnicianAvailability Technicians { get; } = new();

    public ToneSpeechSynthesizer Synthesizer { get; } = new();

    public CollectingCallRecordSink Records { get; } = new();

    public SwitchableCallTransfer Transfer { get; } = new();

    public string DataDirectory { get; } = RepositoryPaths.NewTemporaryDirectory("voicebot-grains");

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Calls:AssetsDirectory"] = RepositoryPaths.Assets,
            ["Calls:ClipDirectory"] = Path.Combine(DataDirectory, "clips"),
            ["PhraseCache:Directory"] = Path.Combine(DataDirectory, "phrase-cache"),
        };
        ConfigureSettings(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddCallMediaStreams(queueCount: 2, pullingPeriod: TimeSpan.FromMilliseconds(5));   // the production provider
            silo.Services.AddSingleton<ISpeechSynthesizer>(Synthesizer);
            silo.Services.AddSingleton<ITechnicianAvailability>(Technicians);
            silo.Services.AddSingleton<ICallRecordSink>(Records);
            silo.Services.AddSingleton<ICallTransfer>(Transfer);
            silo.Services.AddSingleton(new CallClock(Time));
            silo.Services.AddSingleton<IChunkResampler, GrainChunkResampler>();
            silo.Services.AddVoicebotConversation(configuration, RepositoryPaths.Root).AddVoicebotCalls();
            ConfigureServices(silo.Services);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>Configuration overrides for a derived fixture (e.g. another flow).</summary>
    protected virtual void ConfigureSettings(IDictionary<string, string?> settings)
    {
    }

    /// <summary>Extra registrations for a derived fixture (e.g. a recognizer for speech mode).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    /// <summary>Starts a call with a recording sink that reports each item as played.</summary>
    public async Task<TestCall> StartCallAsync(int sampleRate = 8000, bool autoFinish = true)
    {
        var callId = Guid.NewGuid();
        var grain = Cluster.Client.GetGrain<ICallGrain>(callId);
        var sink = new RecordingMediaSink { AutoFinish = autoFinish };
        sink.PlaybackFinished = id => grain.OnPlaybackFinishedAsync(id);
        var reference = Cluster.Client.CreateObjectReference<ICallMediaSink>(sink);
        // The media queues live in a silo's process, as the co-hosted gateway publishes them: publish from the first
        // silo (the grain may be on either; the second then receives it from the first's pulling agent).
        var stream = Cluster.Silos[0].ServiceProvider.GetRequiredService<IClusterClient>().GetStreamProvider(StreamNames.Provider)
            .GetStream<InboundMedia>(StreamId.Create(StreamNames.CallMedia, callId));
        var call = new TestCall(callId, grain, sink, reference, stream, sampleRate);
        await grain.StartAsync(new CallStart(sampleRate, Time.GetUtcNow(), "test"), reference);
        return call;
    }
}

[CollectionDefinition(Name)]
public sealed class VoicebotCluster : ICollectionFixture<VoicebotClusterFixture>
{
    public const string Name = nameof(VoicebotCluster);
}
