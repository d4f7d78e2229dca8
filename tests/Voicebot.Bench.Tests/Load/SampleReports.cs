using Voicebot.Bench.Load;

namespace Voicebot.Bench.Tests.Load;

/// <summary>Synthetic ramps with the shapes a real run produces: clean steps, unmeasured figures, a failing step.</summary>
public static class SampleReports
{
    public static LoadBenchReport ThreeSteps(int knee = 20) => new(
        new LoadMachine(2, "Ubuntu 24.04.2 LTS", ".NET 10.0.0", "Server", new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero)),
        new LoadBenchSettings(
            [1, 20, 50],
            Stagger: TimeSpan.FromSeconds(10),
            ThinkTime: TimeSpan.FromSeconds(5),
            BargeInEvery: 4,
            SttFinalLatency: TimeSpan.FromMilliseconds(250),
            LlmFirstTokenLatency: TimeSpan.FromMilliseconds(300),
            LlmTokensPerSecond: 40,
            TtsFirstByteLatency: TimeSpan.FromMilliseconds(200),
            ProductEnvironment: new Dictionary<string, string> { ["Recordings__Enabled"] = "true" }),
        IdleRssMegabytes: 182.4,
        IdleCpuPercent: 0.35,
        [OneCallWithNothingMeasured(), CleanStep(), FailingStep()],
        knee);

    /// <summary>N = 1: nobody interrupted and no answer was spoken, so those distributions are empty (NaN).</summary>
    private static LoadStepResult OneCallWithNothingMeasured() => new(
        Calls: 1,
        SteadySeconds: 12,
        CpuPercent: 0.9,
        CpuPercentPerCall: 0.9,
        RssMegabytes: 183.1,
        RssMegabytesPerCall: double.NaN,
        GcCollections: [3, 1, 0],
        GcPauseMilliseconds: 4.2,
        AllocatedMegabytesPerCallSecond: 0.31,
        TurnLatency: new Percentiles(4, 512, 640, 655),
        SpokenTurnLatency: Percentiles.Empty,
        ProviderShare: Percentiles.Empty,
        BotShare: new Percentiles(4, 3.5, 6.1, 6.4),
        BargeInReaction: Percentiles.Empty,
        BargeInFlush: Percentiles.Empty,
        BargeInsMissed: 0,
        FrameGaps: new Percentiles(900, 20.0, 21.2, 23.9),
        GapsOver40Ms: 0,
        PacerUnderruns: 0,
        StarvedFrames: 0,
        Completed: 1,
        Failed: 0,
        RefusedAdmissions: 0,
        FailureReasons: new Dictionary<string, int>(),
        BenchCpuPercent: 1.4,
        CallSeconds: 31.5);

    private static LoadStepResult CleanStep() => new(
        Calls: 20,
        SteadySeconds: 20,
        CpuPercent: 3.1,
        CpuPercentPerCall: 0.155,
        RssMegabytes: 196.0,
        RssMegabytesPerCall: 0.68,
        GcCollections: [41, 6, 1],
        GcPauseMilliseconds: 38.5,
        AllocatedMegabytesPerCallSecond: 0.27,
        TurnLatency: new Percentiles(160, 540, 910, 1002),
        SpokenTurnLatency: new Percentiles(60, 880, 1010, 1090),
        ProviderShare: new Percentiles(60, 850, 960, 1040),
        BotShare: new Percentiles(160, 4.1, 14.8, 22.0),
        BargeInReaction: new Percentiles(5, 95, 130, 131),
        BargeInFlush: new Percentiles(5, 8.5, 19.0, 19.5),
        BargeInsMissed: 0,
        FrameGaps: new Percentiles(36_000, 20.0, 22.4, 31.7),
        GapsOver40Ms: 0,
        PacerUnderruns: 0,
        StarvedFrames: 0,
        Completed: 20,
        Failed: 0,
        RefusedAdmissions: 0,
        FailureReasons: new Dictionary<string, int>(),
        BenchCpuPercent: 6.2,
        CallSeconds: 31.9);

    private static LoadStepResult FailingStep() => new(
        Calls: 50,
        SteadySeconds: 20,
        CpuPercent: 9.5,
        CpuPercentPerCall: 0.19,
        RssMegabytes: 221.7,
        RssMegabytesPerCall: 0.79,
        GcCollections: [97, 12, 2],
        GcPauseMilliseconds: 101.25,
        AllocatedMegabytesPerCallSecond: 0.29,
        TurnLatency: new Percentiles(400, 560, 1180, 2300),
        SpokenTurnLatency: new Percentiles(150, 905, 1200, 2300),
        ProviderShare: new Percentiles(150, 860, 990, 1100),
        BotShare: new Percentiles(400, 6.0, 41.5, 250.0),
        BargeInReaction: new Percentiles(12, 101, 180, 190),
        BargeInFlush: new Percentiles(12, 9.0, 24.0, 25.0),
        BargeInsMissed: 1,
        FrameGaps: new Percentiles(88_000, 20.0, 27.3, 95.0),
        GapsOver40Ms: 7,
        PacerUnderruns: 3,
        StarvedFrames: 2,
        Completed: 48,
        Failed: 2,
        RefusedAdmissions: 0,
        FailureReasons: new Dictionary<string, int> { ["stuck"] = 1, ["wrong outcome"] = 1 },
        BenchCpuPercent: 14.8,
        CallSeconds: 32.4);
}
