namespace Voicebot.Cli.Commands;

/// <summary>
/// The runtime's inline socket completions for <c>voicebot serve</c>: the thread that waits on the sockets runs each
/// completion itself instead of queueing it to the thread pool, which saves a thread hand-over per 20 ms frame and call
/// (with <c>AudioSocket:InlineSocketScheduling</c>, a fifth of the CPU per call at 100 calls; README, "Performance").
/// The runtime reads the switch once, when the first socket is made, and only from the environment, so it is set here,
/// before the host starts. An operator's own value (<c>0</c> to turn it off) wins.
/// </summary>
internal static class InlineSocketCompletions
{
    public const string EnvironmentVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Turns the switch on unless the environment already says something.</summary>
    public static void PreferUnlessSet()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is null)
        {
            Environment.SetEnvironmentVariable(EnvironmentVariable, "1");
        }
    }
}
