using System.Diagnostics.Metrics;

namespace Voicebot.Grains.Calls;

/// <summary>
/// Counters of what happens to calls, on the <c>Voicebot.Calls</c> meter (read by any exporter:
/// dotnet-counters, OpenTelemetry, Prometheus). No call id as a tag: the call id is in the logs and the history.
/// </summary>
public sealed class CallMetrics : IDisposable
{
    public const string MeterName = "Voicebot.Calls";

    private readonly Meter _meter;
    private readonly Counter<long> _providerFailures;
    private readonly Counter<long> _bargeIns;
    private readonly Counter<long> _outcomes;
    private readonly Histogram<double> _turnStages;

    public CallMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _meter = meters.Create(MeterName);
        _providerFailures = _meter.CreateCounter<long>("voicebot.provider.failures", description: "Provider failures seen by calls, by provider (recognizer, interpreter, synthesizer).");
        _bargeIns = _meter.CreateCounter<long>("voicebot.bargeins", description: "Times a caller interrupted the bot, by signal (gateway, words).");
        _outcomes = _meter.CreateCounter<long>("voicebot.calls.ended", description: "Calls ended, by outcome.");
        _turnStages = _meter.CreateHistogram<double>("voicebot.turn.stage.latency", unit: "s",
            description: "Time from the end of the caller's input to each stage of the answer, by stage (stt, llm, tts, first_frame, turn).");
    }

    public void ProviderFailed(string provider) => _providerFailures.Add(1, new KeyValuePair<string, object?>("provider", provider));

    public void BargedIn(string signal) => _bargeIns.Add(1, new KeyValuePair<string, object?>("signal", signal));

    /// <summary>One stage of a turn, measured from the end of the caller's input.</summary>
    public void TurnStage(string stage, TimeSpan sinceInput) =>
        _turnStages.Record(sinceInput.TotalSeconds, new KeyValuePair<string, object?>("stage", stage));

    public void Ended(string outcome) => _outcomes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose() => _meter.Dispose();
}
