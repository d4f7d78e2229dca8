using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Voicebot.Conversation;
using Voicebot.Conversation.Understanding;
using Voicebot.Providers.OpenAI.Understanding;
using Voicebot.Testing.Emulators.OpenAI;
using Voicebot.Testing.Paths;

namespace Voicebot.Providers.OpenAI.Tests.Understanding;

/// <summary>The interpreter as the host builds it (<c>AddOpenAILanguageModel</c>), pointed at an emulator, with fake logging at Trace.</summary>
internal sealed class LlmTestHost : IAsyncDisposable
{
    public const string ApiKey = "gsk-test-SECRET-0123456789";

    private readonly ServiceProvider _services;

    private LlmTestHost(ServiceProvider services)
    {
        _services = services;
        Interpreter = services.GetRequiredService<LlmUtteranceInterpreter>();
        Logs = services.GetFakeLogCollector();
    }

    public LlmUtteranceInterpreter Interpreter { get; }

    public FakeLogCollector Logs { get; }

    public static LlmTestHost Create(string endpoint, IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Llm:Enabled"] = "true",
            ["Llm:Endpoint"] = endpoint,
            ["Llm:ApiKey"] = ApiKey,
            ["Llm:PromptsDirectory"] = Path.Combine(RepositoryPaths.Assets, "prompts"),

            // Generous by default: only the timeout tests depend on time.
            ["Llm:FirstTokenTimeout"] = "00:00:10",
            ["Llm:Timeout"] = "00:00:20",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging())
            .AddOpenAILanguageModel(configuration)
            .BuildServiceProvider();
        return new LlmTestHost(services);
    }

    /// <summary>A fast emulator (50 ms to the first token, 500 tokens/s), started.</summary>
    public static async Task<OpenAIChatEmulator> StartEmulatorAsync(Func<ChatRequest, EmulatedReply> reply)
    {
        var emulator = new OpenAIChatEmulator(reply) { FirstTokenLatency = TimeSpan.FromMilliseconds(50), TokensPerSecond = 500 };
        await emulator.StartAsync(TestContext.Current.CancellationToken);
        return emulator;
    }

    public static InterpretationContext Context(string state, ExpectedInput? expecting = null, params Intent[] intents) =>
        new(Guid.Parse("6f1c2d3e-0000-4000-8000-000000000001"), state, expecting, intents, new Dictionary<string, string>());

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
