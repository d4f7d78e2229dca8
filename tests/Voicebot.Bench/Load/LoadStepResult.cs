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
/// <param name="Pacer">The product's pacer trace over the whole step: tick lateness, late ticks by cause, suspensions,
/// JIT. <see langword="null"/> without a trace.</param>
/// <param name="JitMilliseconds">Time the product spent compiling methods over the whole step (all threads).</param>
/// <param name="Bench">The bench's own stalls over the step (its callers' clock, its GC), to tell them from the product's.</param>
/// <param name="Machine">The machine's own stalls (the native witness outside the product); null when not measured.</param>
/// <param name="ReceiverGapsOver40Ms">Gaps over 40 ms neither the bench nor the machine explain, around which the product's
/// own tick log shows every frame written on time: the receiving side's.</param>
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
    Percentiles? BotReplying = null,
    PacerStats? Pacer = null,
    double? JitMilliseconds = null,
    BenchSelf? Bench = null,
    MachineSelf? Machine = null,
    long ReceiverGapsOver40Ms = 0)
{
    /// <summary>
    /// Gaps over 40 ms of the product's making: all of them but those the bench's own GC pauses explain, those at an
    /// instant the machine held every process back (the witness outside the product was late too), and those around
    /// which the product's own tick log shows every frame written on time (<see cref="ReceiverGapsOver40Ms"/>).
    /// </summary>
    public long ProductGapsOver40Ms => GapsOver40Ms - (Bench?.GapsOver40Ms ?? 0) - (Machine?.GapsOver40Ms ?? 0) - ReceiverGapsOver40Ms;

    /// <summary>No call failed and no caller heard a gap of more than two frames that the product caused.</summary>
    public bool Clean => Failed == 0 && ProductGapsOver40Ms == 0;
}

/// <summary>A whole ramp: the machine, the settings, the idle base, each step, and the knee.</summary>
/// <param name="Machine">Processor count, OS, runtime, GC mode of the product.</param>
/// <param name="Settings">What the run was asked to do.</param>
/// <param name="IdleRssMegabytes">The product's resident set with no call, after warm-up.</param>
/// <param name="IdleCpuPercent">The product's CPU with no call, % of one core.</param>
/// <param name="Steps">One entry per N, in order.</param>
/// <param name="Knee">The largest N up to which every step had zero failed calls and zero gaps over 40 ms (0 when none).</param>
/// <param name="Floor">The product against the minimal AudioSocket server, listen-only, per N compared.</param>
public sealed record LoadBenchReport(
    LoadMachine Machine,
    LoadBenchSettings Settings,
    double IdleRssMegabytes,
    double IdleCpuPercent,
    IReadOnlyList<LoadStepResult> Steps,
    int Knee,
    IReadOnlyList<FloorComparison>? Floor = null)
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
/// <param name="NeighbourLoad">Noisy neighbour: percent of every core a normally scheduled process keeps busy during
/// each step (0: a quiet machine).</param>
/// <param name="FloorCalls">N for each comparison with the minimal server (none: no comparison).</param>
/// <param name="PacerTrace">The product writes its pacer trace and the bench analyses it per step.</param>
/// <param name="FloorListen">Floor comparison: how long listen-only callers stay after the last one arrives.</param>
/// <param name="KeepWorkDirectory">Leave the product's working directory (trace, logs, records) in place after the run.</param>
public sealed record LoadBenchSettings(
    IReadOnlyList<int> Steps,
    TimeSpan Stagger,
    TimeSpan ThinkTime,
    int BargeInEvery,
    TimeSpan SttFinalLatency,
    TimeSpan LlmFirstTokenLatency,
    double LlmTokensPerSecond,
    TimeSpan TtsFirstByteLatency,
    IReadOnlyDictionary<string, string> ProductEnvironment,
    int NeighbourLoad = 0,
    IReadOnlyList<int>? FloorCalls = null,
    bool PacerTrace = false,
    TimeSpan FloorListen = default,
    bool KeepWorkDirectory = false);

/// <summary>
/// The bench's own stalls during a step: how late its callers' 20 ms clock ticked (a stall there delays every caller's
/// frames and receives at once), and its own GC.
/// </summary>
/// <param name="ClockLateness">How late the callers' 20 ms clock ticked.</param>
/// <param name="ClockLateOver20Ms">Its ticks more than a frame late.</param>
/// <param name="GcPauseMs">Time the bench was paused by its own GC.</param>
/// <param name="Gen2Collections">The bench's full collections.</param>
/// <param name="GapsOver40Ms">Of the step's gaps over 40 ms, those the bench's own GC pauses explain (not the product's).</param>
public sealed record BenchSelf(Percentiles ClockLateness, long ClockLateOver20Ms, double GcPauseMs, int Gen2Collections, long GapsOver40Ms = 0);

/// <summary>
/// The machine's own stalls during a step, seen by a native 20 ms ticker outside the product and outside both runtimes
/// (<see cref="MachineWitness"/>): a late tick there held every process back.
/// </summary>
/// <param name="Ticks">The witness's ticks in the step.</param>
/// <param name="LateOver10Ms">Its ticks more than 10 ms late.</param>
/// <param name="LateOver40Ms">Its ticks more than 40 ms late.</param>
/// <param name="MaxLateMs">Its latest tick.</param>
/// <param name="Scheduling">How the witness thread was scheduled (real-time or not, and why).</param>
/// <param name="GapsOver40Ms">
/// Of the step's gaps over 40 ms that the bench's own pauses do not explain, those at an instant the witness was held
/// back too.
/// </param>
public sealed record MachineSelf(long Ticks, long LateOver10Ms, long LateOver40Ms, double MaxLateMs, string Scheduling, long GapsOver40Ms = 0);

/// <summary>
/// The same N listen-only callers (they send silence and listen) against the minimal AudioSocket server of the bench
/// and against the product, one after the other: CPU per call of each (% of one core) and the product's multiple.
/// </summary>
/// <param name="Calls">N.</param>
/// <param name="FloorCpuPercentPerCall">The minimal server's CPU per call.</param>
/// <param name="ProductListenCpuPercentPerCall">The product's CPU per call under the same listen-only callers.</param>
/// <param name="ProductFlowCpuPercentPerCall">The product's CPU per call in the ramp's step of the same N (whole SAV flow, speech providers), if run.</param>
/// <param name="FloorGaps">Inter-frame gaps the callers heard from the floor.</param>
/// <param name="FloorGapsOver40Ms">Of those, over 40 ms.</param>
/// <param name="ProductGaps">Inter-frame gaps the callers heard from the product.</param>
/// <param name="ProductGapsOver40Ms">Of those, over 40 ms, but for those the bench's own GC pauses or the machine's stalls (the witness) explain.</param>
/// <param name="Failed">Listen-only calls that did not last their time (either server).</param>
/// <param name="ProductPacer">The product's pacer trace over its listen-only pass.</param>
public sealed record FloorComparison(
    int Calls,
    double FloorCpuPercentPerCall,
    double ProductListenCpuPercentPerCall,
    double ProductFlowCpuPercentPerCall,
    Percentiles FloorGaps,
    long FloorGapsOver40Ms,
    Percentiles ProductGaps,
    long ProductGapsOver40Ms,
    int Failed,
    PacerStats? ProductPacer = null)
{
    /// <summary>The product's listen-only CPU per call over the floor's.</summary>
    public double ListenMultiple => ProductListenCpuPercentPerCall / FloorCpuPercentPerCall;

    /// <summary>The product's CPU per call on the whole flow over the floor's listen-only CPU per call.</summary>
    public double FlowMultiple => ProductFlowCpuPercentPerCall / FloorCpuPercentPerCall;
}
