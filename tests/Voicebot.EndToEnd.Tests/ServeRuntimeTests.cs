using Voicebot.EndToEnd.Tests.Drain;
using Voicebot.Testing.Processes;

namespace Voicebot.EndToEnd.Tests;

/// <summary>What <c>voicebot serve</c> sets up in its own runtime, seen from outside the process.</summary>
[Collection(DrainCollection.Name)]
public sealed class ServeRuntimeTests
{
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    [Fact]
    public async Task Serve_ByDefault_CompletesSocketsInlineOnOneEventThreadPerCore()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var voicebot = await StartAsync(new(), ct);

        // Inline completions run one event thread per core; queued to the thread pool, one per 30 cores.
        Assert.Equal(Environment.ProcessorCount, SocketEventThreads(voicebot.Id));
    }

    [Fact]
    public async Task Serve_OperatorTurnedInlineCompletionsOff_KeepsTheRuntimeDefault()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var voicebot = await StartAsync(new() { [InlineCompletions] = "0" }, ct);

        Assert.Equal(Math.Max(1, (int)Math.Round(Environment.ProcessorCount / 30.0)), SocketEventThreads(voicebot.Id));
    }

    private static Task<VoicebotServeProcess> StartAsync(Dictionary<string, string> environment, CancellationToken ct)
    {
        environment["PhraseCache__Directory"] = Path.Combine(AppContext.BaseDirectory, "data", "drain-phrase-cache");
        return VoicebotServeProcess.StartAsync(new VoicebotServeSettings { Environment = environment, StopTimeout = TimeSpan.FromSeconds(5) }, ct);
    }

    /// <summary>The runtime names each socket event thread ".NET Sockets"; they exist once the first socket is up.</summary>
    private static int SocketEventThreads(int pid) =>
        Directory.GetDirectories($"/proc/{pid}/task")
            .Count(task => File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == ".NET Sockets");
}
