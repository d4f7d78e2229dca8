using System.Diagnostics.Metrics;
using Voicebot.Abstractions.Speech;
using Voicebot.Grains.Calls;

namespace Voicebot.Grains.Tests.Calls;

/// <summary>A false barge-in: the gateway cut the bot off but the caller's turn brought no words and no key.</summary>
[Collection(SpeechCluster.Name)]
public sealed class CallGrainBargeInMetricsTests(SpeechClusterFixture fixture)
{
    [Fact]
    public async Task GatewayBargeIn_TurnEndsWithNothingHeard_CountsAFalseBargeIn()
    {
        var ct = TestContext.Current.CancellationToken;
        using var falseBargeIns = Collect("voicebot.bargeins.false");
        using var bargeIns = Collect("voicebot.bargeins");
        var call = await fixture.StartCallAsync(autoFinish: false);
        await call.Sink.WaitForPhraseAsync("welcome", ct);

        await call.Grain.OnBargeInAsync();
        fixture.Recognizer.Send(call.CallId, new RecognitionUpdate(RecognitionUpdateKind.UtteranceEnd));
        await WaitUntilAsync(() => falseBargeIns.Total > 0, ct);
        await WaitUntilAsync(() => falseBargeIns.Total > 0, ct);

        Assert.Equal(1, bargeIns.Total);
        Assert.Equal(1, falseBargeIns.Total);
    }

    [Fact]
    public async Task GatewayBargeIn_CallerThenSpeaks_IsNotAFalseBargeIn()
    {
        var ct = TestContext.Current.CancellationToken;
        using var falseBargeIns = Collect("voicebot.bargeins.false");
        var call = await fixture.StartCallAsync(autoFinish: false);
        await call.Sink.WaitForPhraseAsync("welcome", ct);

        await call.Grain.OnBargeInAsync();
        fixture.Recognizer.Hear(call.CallId, "allô bonjour");
        await call.Sink.WaitForPhraseAsync("ask_name", ct);

        Assert.Equal(0, falseBargeIns.Total);
    }

    // Any meter scope: the silo's meter factory is not the one its service provider hands out. The barge-in tests are
    // the only ones that barge in, and they run one at a time (one collection).
    private static CallCounter Collect(string instrument) => new(instrument);

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken ct)
    {
        for (var i = 0; i < 400 && !condition(); i++)
        {
            await Task.Delay(25, ct);
        }

        Assert.True(condition());
    }
}

/// <summary>Sums one <see cref="CallMetrics"/> counter across every meter scope while it lives.</summary>
internal sealed class CallCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public CallCounter(string instrument)
    {
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Meter.Name == CallMetrics.MeterName && published.Name == instrument)
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
