using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Speech;
using Voicebot.Testing.Fakes;

namespace Voicebot.Grains.Tests.Calls;

/// <summary>A cluster whose voice can hold the next synthesis, and whose silos' logs are kept.</summary>
public sealed class HeldVoiceClusterFixture : VoicebotClusterFixture
{
    public HeldVoice Voice { get; } = new();

    public FakeLogCollector Logs { get; } = new();

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<ISpeechSynthesizer>(Voice);   // phrases are rendered through it on first use
        services.AddSingleton<ILoggerProvider>(new FakeLoggerProvider(Logs));
    }
}

/// <summary>A tone voice that holds its next synthesis until released, and says when it is holding.</summary>
public sealed class HeldVoice : ISpeechSynthesizer
{
    private readonly ToneSpeechSynthesizer _tone = new();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _holdNext;

    public SpeechVoice Voice => _tone.Voice;

    /// <summary>Completes when a held synthesis is waiting.</summary>
    public TaskCompletionSource Holding { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void HoldNext() => Volatile.Write(ref _holdNext, 1);

    public void Release() => _release.TrySetResult();

    public async IAsyncEnumerable<SynthesizedAudio> SynthesizeAsync(string text, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _holdNext, 0) == 1)
        {
            Holding.TrySetResult();
            await _release.Task.WaitAsync(cancellationToken);
        }

        await foreach (var chunk in _tone.SynthesizeAsync(text, cancellationToken))
        {
            yield return chunk;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class HeldVoiceCluster : ICollectionFixture<HeldVoiceClusterFixture>
{
    public const string Name = nameof(HeldVoiceCluster);
}

/// <summary>Calls that land on the grain while a turn awaits (hang-up and barge-in are always interleaved).</summary>
[Collection(HeldVoiceCluster.Name)]
public sealed class CallGrainInterleavingTests(HeldVoiceClusterFixture fixture)
{
    [Fact]
    public async Task HangUp_WhileTheWelcomePhraseIsLookedUp_NothingPlayedAndNoError()
    {
        var ct = TestContext.Current.CancellationToken;
        var callId = Guid.NewGuid();
        var grain = fixture.Cluster.Client.GetGrain<ICallGrain>(callId);
        var sink = new RecordingMediaSink();
        sink.PlaybackFinished = id => grain.OnPlaybackFinishedAsync(id);
        var reference = fixture.Cluster.Client.CreateObjectReference<ICallMediaSink>(sink);

        // The welcome phrase has never been rendered on this cluster: its lookup synthesizes it, and is held there.
        fixture.Voice.HoldNext();
        var starting = grain.StartAsync(new CallStart(8000, fixture.Time.GetUtcNow(), "test"), reference);
        await fixture.Voice.Holding.Task.WaitAsync(ct);
        await grain.HangUpAsync(HangupReason.CallerHungUp);
        fixture.Voice.Release();
        await starting.WaitAsync(ct);

        Assert.Empty(sink.Played);
        Assert.DoesNotContain(fixture.Logs.GetSnapshot(), r => r.Id.Name == "SinkLost");
        Assert.NotNull(await grain.GetOutcomeAsync());
    }
}
