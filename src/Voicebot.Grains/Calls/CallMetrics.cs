using System.Diagnostics.Metrics;

namespace Voicebot.Grains.Calls;

/// <summary>
/// What happens to calls, on the <c>Voicebot.Calls</c> meter (read by any exporter: dotnet-counters, OpenTelemetry,
/// the host's Prometheus endpoint). No call id as a tag (cardinality): the call id is in the logs and the call record.
/// </summary>
public sealed class CallMetrics : IDisposable
{
    public const string MeterName = "Voicebot.Calls";

    /// <summary>Turn latency buckets (seconds): fine below a second, where a conversation feels live, up to 5 s.</summary>
    public static readonly IReadOnlyList<double> TurnLatencyBuckets =
        [0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1, 1.25, 1.5, 2, 2.5, 3, 4, 5];

    private readonly Meter _meter;
    private readonly Counter<long> _providerFailures;
    private readonly Counter<long> _bargeIns;
    private readonly Counter<long> _falseBargeIns;
    private readonly Counter<long> _outcomes;
    private readonly Histogram<double> _turnStages;
    private readonly Counter<double> _recognizerAudioSkipped;

    public CallMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _meter = meters.Create(MeterName);
        _providerFailures = _meter.CreateCounter<long>("voicebot.provider.failures",
            description: "Provider failures seen by calls, by provider (recognizer, interpreter, synthesizer) and kind.");
        _bargeIns = _meter.CreateCounter<long>("voicebot.bargeins", description: "Times a caller interrupted the bot, by signal (gateway, words).");
        _falseBargeIns = _meter.CreateCounter<long>("voicebot.bargeins.false",
            description: "Barge-ins after which the caller gave nothing usable (no transcript, no key): noise or echo cut the bot off.");
        _outcomes = _meter.CreateCounter<long>("voicebot.calls.ended", description: "Calls ended, by outcome.");
        _turnStages = _meter.CreateHistogram(
            "voicebot.turn.stage.latency",
            unit: "s",
            description: "Time from the end of the caller's input to each stage of the answer, by stage (stt, llm, tts, first_frame, turn).",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = TurnLatencyBuckets });
        _recognizerAudioSkipped = _meter.CreateCounter<double>("voicebot.recognizer.audio.skipped", unit: "s",
            description: "Caller audio not sent to the recognizer, being far from the caller's voice (Speech:RecognizerAudio=voice).");
    }

    /// <summary>A provider failed a call; <paramref name="kind"/> says how (error, timeout, unavailable...).</summary>
    public void ProviderFailed(string provider, string kind = "error") => _providerFailures.Add(
        1, new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("kind", kind));

    public void BargedIn(string signal) => _bargeIns.Add(1, new KeyValuePair<string, object?>("signal", signal));

    /// <summary>A barge-in that turned out to be noise: the caller's turn ended without words or a key.</summary>
    public void FalseBargeIn() => _falseBargeIns.Add(1);

    /// <summary>One stage of a turn, measured from the end of the caller's input.</summary>
    public void TurnStage(string stage, TimeSpan sinceInput) =>
        _turnStages.Record(sinceInput.TotalSeconds, new KeyValuePair<string, object?>("stage", stage));

    /// <summary>A call's recognition ended; <paramref name="skipped"/> of its caller audio was never sent.</summary>
    public void RecognizerAudioSkipped(TimeSpan skipped) => _recognizerAudioSkipped.Add(skipped.TotalSeconds);

    public void Ended(string outcome) => _outcomes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose() => _meter.Dispose();
}
