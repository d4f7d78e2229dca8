namespace Voicebot.Bench.Running;

/// <summary>Everything one benchmark invocation measured, as written to the JSON file.</summary>
public sealed record BenchReport(
    string Benchmark,
    DateTimeOffset StartedAt,
    string Machine,
    int ProcessorCount,
    string Runtime,
    string Orleans,
    bool ServerGc,
    double SecondsPerRun,
    double WarmupSeconds,
    double FrameIntervalMs,
    int FrameBytes,
    IReadOnlyList<RunResult> Runs);
