using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Voicebot.Abstractions;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Phrases;
using Voicebot.Abstractions.Records;

namespace Voicebot.Gateway.Calls;

/// <summary>
/// <see cref="ICallControl"/> over Orleans: <see cref="ICallGrain"/> per call, inbound media on the
/// <see cref="StreamNames.CallMedia"/> stream, phrases from <see cref="IPhraseCacheGrain"/>. Thread-safe.
/// </summary>
/// <summary>The gateway's control plane: the call grains, reached through Orleans.</summary>
/// <param name="client">For the calls' media streams.</param>
/// <param name="grainFactory">For the call grains.</param>
/// <param name="logger">For control-plane failures.</param>
/// <param name="records">Where a call's record goes when its grain cannot complete it; none in gateway-only tests.</param>
public sealed class OrleansCallControl(IClusterClient client, IGrainFactory grainFactory, ILogger<OrleansCallControl> logger, ICallRecordSink? records = null) : ICallControl
{
    // Orleans holds observers weakly: each entry keeps the session alive until the call ends.
    private readonly ConcurrentDictionary<Guid, CallLink> _calls = new();

    public async Task StartCallAsync(Guid callId, CallStart start, ICallMediaSink media, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(media);

        var reference = grainFactory.CreateObjectReference<ICallMediaSink>(media);
        var stream = client.GetStreamProvider(StreamNames.Provider)
            .GetStream<InboundMedia>(StreamId.Create(StreamNames.CallMedia, callId));
        if (!_calls.TryAdd(callId, new CallLink(media, reference, stream)))
        {
            grainFactory.DeleteObjectReference<ICallMediaSink>(reference);
            throw new InvalidOperationException($"Call {callId} is already started.");
        }

        await grainFactory.GetGrain<ICallGrain>(callId).StartAsync(start, reference).WaitAsync(cancellationToken);
    }

    public ValueTask PublishAsync(Guid callId, InboundMedia media, CancellationToken cancellationToken = default)
    {
        if (!_calls.TryGetValue(callId, out var link))
        {
            throw new InvalidOperationException($"Call {callId} is not started.");
        }

        // The product's media stream (in-process queues) completes the publish before it returns: nothing to wait for
        // and nothing allocated. Any other provider is awaited under the call's token.
        var published = link.Stream.OnNextAsync(media);
        return published.IsCompletedSuccessfully ? default : new ValueTask(published.WaitAsync(cancellationToken));
    }

    public Task PlaybackFinishedAsync(Guid callId, int playbackId, CancellationToken cancellationToken = default) =>
        grainFactory.GetGrain<ICallGrain>(callId).OnPlaybackFinishedAsync(playbackId).WaitAsync(cancellationToken);

    /// <summary>Calls <see cref="ICallGrain.OnBargeInAsync"/>, which interleaves with a running turn so it can cancel it.</summary>
    public Task BargeInAsync(Guid callId, CancellationToken cancellationToken = default) =>
        grainFactory.GetGrain<ICallGrain>(callId).OnBargeInAsync().WaitAsync(cancellationToken);

    public async Task EndCallAsync(Guid callId, HangupReason? reason, CallMediaFacts media, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(media);
        var grain = grainFactory.GetGrain<ICallGrain>(callId);
        try
        {
            if (reason is { } hangupReason)
            {
                await grain.HangUpAsync(hangupReason).WaitAsync(cancellationToken);
            }

            // The grain completes and stores its record; if it cannot, the gateway still stores what it knows.
            if (await grain.CompleteRecordAsync(media).WaitAsync(cancellationToken) is null)
            {
                records?.Submit(GatewayOnlyRecord(callId, reason, media, "no-outcome"));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            GatewayLog.ControlPlaneFailed(logger, callId, "record", ex);
            records?.Submit(GatewayOnlyRecord(callId, reason, media, "control-plane-failed"));
            throw;
        }
        finally
        {
            if (_calls.TryRemove(callId, out var link))
            {
                grainFactory.DeleteObjectReference<ICallMediaSink>(link.Reference);
            }
        }
    }

    public Task<PhraseAudio> GetPhraseAsync(string phraseKey, int sampleRate, CancellationToken cancellationToken = default) =>
        grainFactory.GetGrain<IPhraseCacheGrain>(0).GetAsync(phraseKey, sampleRate).WaitAsync(cancellationToken);

    private static CallRecord GatewayOnlyRecord(Guid callId, HangupReason? reason, CallMediaFacts media, string why) => new(
        callId, null, null, null, media.EndedAt, media.EndedAt, CallOutcomeKind.Error,
        $"{why}:{reason?.ToString().ToLowerInvariant() ?? "bot-hung-up"}",
        new Dictionary<string, string>(), [], [], [], [], media.RecordingPath);

    private sealed record CallLink(ICallMediaSink Session, ICallMediaSink Reference, IAsyncStream<InboundMedia> Stream);
}
