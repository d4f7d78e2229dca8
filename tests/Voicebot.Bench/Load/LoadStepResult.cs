namespace Voicebot.Bench.Load;

/// <summary>A distribution summarised: how many samples and their p50, p99 and maximum, in milliseconds.</summary>
public sealed record Percentiles(long Count, double P50, double P99, double Max)
{
    public static Percentiles Empty { get; } = new(0, double.NaN, double.NaN, double.NaN);
}

/// <summary>
/// Everything measured while N simulated callers ran against the product. CPU figures are percentages of one core,
/// from the product's /proc stat over the window when all N calls were up; memory from its resident set.
/// </summary>
/// <param name="Calls">N: callers started in this step.</param>
/// <param name="SteadySeconds">Length of the window when all N calls were up together (CPU and RSS are read over it).</param>
/// <param name="CpuPercent">Product process CPU (user + system) over the window, in % of one core.</param>
/// <param name="CpuPercentPerCall"><see cref="CpuPercent"/> / N.</param>
/// <param name="RssMegabytes">Product resident set, the highest sample in the window.</param>
/// <param name="RssMegabytesPerCall">(RSS − the idle base RSS) / N.</param>
/// <param name="GcCollections">Collections in the window by generation (0, 1, 2).</param>
/// <param name="GcPauseMilliseconds">Time the product was paused by the GC in the window.</param>
/// <param name="AllocatedMegabytesPerCallSecond">Bytes the product allocated in the window, per call and second of call.</param>
/// <param name="TurnLatency">End of the caller's input → first bot frame heard, all answered turns.</param>
/// <param name="SpokenTurnLatency">The same, for spoken answers only (they go through the recognizer and the model).</param>
/// <param name="ProviderShare">Spoken turns: the providers' share (recognizer's final + the model), from the call records.</param>
/// <param name="BotShare">Every matched turn: turn latency minus the providers' share — the bot's own time.</param>
/// <param name="BargeInReaction">Caller's first speech frame → last bot frame heard, on turns where the caller interrupted.</param>
/// <param name="BargeInFlush">The frame that completes the detector's minimum speech → last bot frame heard.</param>
/// <param name="BargeInsMissed">Interruptions after which the bot was still talking when the caller stopped.</param>
/// <param name="FrameGaps">Time between consecutive audio frames as each caller received them, all calls.</param>
/// <param name="GapsOver40Ms">Inter-frame gaps above 40 ms (two frames), all calls.</param>
/// <param name="PacerUnderruns">Frames the product's pacer could not write (socket busy), from its metrics.</param>
/// <param name="StarvedFrames">Frames of streamed speech padded with silence because the audio was late, from its metrics.</param>
/// <param name="Completed">Calls that ran the whole script and were resolved.</param>
/// <param name="Failed">Calls that did not: stuck, cut, wrong outcome, or refused.</param>
/// <param name="RefusedAdmissions">Connections the product refused as full (from its metrics).</param>
/// <param name="FailureReasons">Why calls failed, with counts.</param>
/// <param name="BenchCpuPercent">The bench process's own CPU (callers + provider emulators) over the window, % of one core.</param>
/// <param name="CallSeconds">Mean length of a call.</param>
/// <param name="BotHearing">Part of the bot's share: the caller's end of input → the call grain hearing it (gateway,
/// media stream, grain), from the call records. <see langword="null"/> in reports from before it was measured.</param>
/// <param name="BotReplying">Part of the bot's share: the grain choosing its answer → the answer's first frame on the wire
/// (gateway, the wait for the next 20 ms tick), from the call records.</param>
public sealed record LoadStepResult(
    int Calls,
    double SteadySeconds,
    double CpuPercent,
    double CpuPercentPerCall,
    double RssMegabytes,
    double RssMegabytesPerCall,
    IReadOnlyList<long> GcCollections,
    double GcPauseMilliseconds,
    double AllocatedMegabytesPerCallSecond,
    Percentiles TurnLatency,
    Percentiles SpokenTurnLatency,
    Percentiles ProviderShare,
    Percentiles BotShare,
    Percentiles BargeInReaction,
    Percentiles BargeInFlush,
    int BargeInsMissed,
    Percentiles FrameGaps,
    long GapsOver40Ms,
    long PacerUnderruns,
    long StarvedFrames,
    int Completed,
    int Failed,
    long RefusedAdmissions,
    IReadOnlyDictionary<string, int> FailureReasons,
    double BenchCpuPercent,
    double CallSeconds,
    Percentiles? BotHearing = null,
    Percentiles? BotReplying = null)
{
    /// <summary>No call failed and no caller heard a gap of more than two frames.</summary>
    public bool Clean => Failed == 0 && GapsOver40Ms == 0;
}

/// <summary>A whole ramp: the machine, the settings, the idle base, each step, and the knee.</summary>
/// <param name="Machine">Processor count, OS, runtime, GC mode of the product.</param>
/// <param name="Settings">What the run was asked to do.</param>
/// <param name="IdleRssMegabytes">The product's resident set with no call, after warm-up.</param>
/// <param name="IdleCpuPercent">The product's CPU with no call, % of one core.</param>
/// <param name="Steps">One entry per N, in order.</param>
/// <param name="Knee">The largest N up to which every step had zero failed calls and zero gaps over 40 ms (0 when none).</param>
public sealed record LoadBenchReport(
    LoadMachine Machine,
    LoadBenchSettings Settings,
    double IdleRssMegabytes,
    double IdleCpuPercent,
    IReadOnlyList<LoadStepResult> Steps,
    int Knee)
{
    /// <summary>
    /// The largest N up to which every step ran with zero failed calls and zero gaps over 40 ms (steps in ramp order).
    /// A clean step above an unclean one does not move the knee: one lucky run is not capacity.
    /// </summary>
    public static int KneeOf(IEnumerable<LoadStepResult> steps) =>
        steps.TakeWhile(s => s.Clean).Select(s => s.Calls).DefaultIfEmpty(0).Max();
}

/// <summary>Where the figures come from.</summary>
public sealed record LoadMachine(int ProcessorCount, string OperatingSystem, string Runtime, string ProductGc, DateTimeOffset StartedAt);

/// <summary>What the ramp runs: the N of each step, the callers' script, and the emulated providers' latencies.</summary>
/// <param name="Steps">N for each step, in order.</param>
/// <param name="Stagger">Callers of a step arrive evenly over this time.</param>
/// <param name="ThinkTime">How long a caller takes to check the fix before answering « oui ça marche » (sets the call length).</param>
/// <param name="BargeInEvery">Every Nth caller interrupts the bot (0: nobody).</param>
/// <param name="SttFinalLatency">Recognizer: end of speech → final transcript (endpointing + emulator latency).</param>
/// <param name="LlmFirstTokenLatency">Language model: request → first token.</param>
/// <param name="LlmTokensPerSecond">Language model: streaming rate after the first token.</param>
/// <param name="TtsFirstByteLatency">Synthesizer: request → first audio byte (then faster than real time).</param>
/// <param name="ProductEnvironment">Settings given to the product on top of its production configuration.</param>
public sealed record LoadBenchSettings(
    IReadOnlyList<int> Steps,
    TimeSpan Stagger,
    TimeSpan ThinkTime,
    int BargeInEvery,
    TimeSpan SttFinalLatency,
    TimeSpan LlmFirstTokenLatency,
    double LlmTokensPerSecond,
    TimeSpan TtsFirstByteLatency,
    IReadOnlyDictionary<string, string> ProductEnvironment);
