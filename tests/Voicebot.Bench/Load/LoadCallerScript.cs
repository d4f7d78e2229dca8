namespace Voicebot.Bench.Load;

/// <summary>How a simulated caller behaves, in 20 ms frames where it counts frames.</summary>
/// <param name="PromptSilence">Silence after the bot's speech that tells the caller the bot has finished (seconds).</param>
/// <param name="LongPromptSilence">The same after the fix's instructions, which have longer pauses.</param>
/// <param name="ReactionPause">Frames between the end of the bot's question and the caller's answer.</param>
/// <param name="NameFrames">Length of the spoken name.</param>
/// <param name="HashPauseFrames">Frames between the name and « # ».</param>
/// <param name="DigitFrames">Frames between two keys of the phone number.</param>
/// <param name="ProblemFrames">Length of « ma box internet ne marche plus ».</param>
/// <param name="YesFrames">Length of « oui ça marche maintenant ».</param>
/// <param name="ThinkFrames">Frames the caller spends trying the fix before answering.</param>
/// <param name="BargeInEvery">Every Nth caller interrupts the bot's answer to the phone number (0: nobody).</param>
/// <param name="InterruptAfterFrames">Loud bot frames heard in that answer before the caller interrupts.</param>
/// <param name="DetectorFrames">Speech frames the product's barge-in detector needs (BargeIn:MinSpeech / 20 ms).</param>
/// <param name="StepTimeout">Longest wait for the bot at any step before the call counts as stuck.</param>
/// <param name="ListenFrames">Listen-only caller (the floor comparison): sends silence and only listens for this many
/// frames, then hangs up; 0 plays the SAV flow.</param>
internal sealed record LoadCallerScript(
    double PromptSilence,
    double LongPromptSilence,
    int ReactionPause,
    int NameFrames,
    int HashPauseFrames,
    int DigitFrames,
    int ProblemFrames,
    int YesFrames,
    int ThinkFrames,
    int BargeInEvery,
    int InterruptAfterFrames,
    int DetectorFrames,
    TimeSpan StepTimeout,
    int ListenFrames = 0)
{
    /// <summary>What the recognizer emulator hears, one line per speech burst of a call, in order.</summary>
    public static IReadOnlyList<string> SpokenLines { get; } =
    [
        "Je m'appelle Jean Dupont",
        "ma box internet ne marche plus",
        "oui ça marche maintenant",
    ];

    public static LoadCallerScript For(TimeSpan think, int bargeInEvery) => new(
        PromptSilence: 1.0,
        LongPromptSilence: 1.5,
        ReactionPause: 15,
        NameFrames: 60,
        HashPauseFrames: 20,
        DigitFrames: 6,
        ProblemFrames: 75,
        YesFrames: 60,
        ThinkFrames: Math.Max(1, (int)(think.TotalMilliseconds / 20)),
        BargeInEvery: bargeInEvery,
        InterruptAfterFrames: 40,
        DetectorFrames: 8,
        StepTimeout: TimeSpan.FromSeconds(60));

    /// <summary>A caller that says nothing and listens for <paramref name="listen"/>, as a listen-only load generator does.</summary>
    public static LoadCallerScript ListenOnly(TimeSpan listen) =>
        For(TimeSpan.Zero, bargeInEvery: 0) with { ListenFrames = Math.Max(1, (int)(listen.TotalMilliseconds / 20)) };
}
