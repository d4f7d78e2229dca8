using Voicebot.Testing.Emulators.Deepgram;
using Voicebot.Testing.Emulators.OpenAI;

namespace Voicebot.Bench.Load;

/// <summary>
/// The cloud providers on loopback, with the latencies of the real ones: Deepgram live transcription (final result a
/// set time after the end of speech), an OpenAI-compatible model (first token, then a steady token rate, answering with
/// tool calls as the product's rules would understand the line), Deepgram speech synthesis (first byte, then faster
/// than real time). They live in the bench process, never in the product's configuration defaults.
/// </summary>
internal sealed class ProviderEmulators : IAsyncDisposable
{
    // Deepgram's endpointing is asked of the product (Deepgram:Endpointing); the emulator adds the rest of the latency.
    public const int EndpointingMs = 150;

    private ProviderEmulators(LoadBenchSettings settings)
    {
        Listen = new DeepgramListenEmulator
        {
            Script = LoadCallerScript.SpokenLines,
            ScriptPerSession = true,
            SendInterimResults = true,
            SttFinalLatency = settings.SttFinalLatency - TimeSpan.FromMilliseconds(EndpointingMs),
            IdleTimeout = TimeSpan.FromSeconds(60),
        };
        Speak = new DeepgramSpeakEmulator { FirstByteLatency = settings.TtsFirstByteLatency };
        Chat = new OpenAIChatEmulator(RuleBasedReplies.ToolCalls)
        {
            FirstTokenLatency = settings.LlmFirstTokenLatency,
            TokensPerSecond = settings.LlmTokensPerSecond,
        };
    }

    public DeepgramListenEmulator Listen { get; }

    public DeepgramSpeakEmulator Speak { get; }

    public OpenAIChatEmulator Chat { get; }

    public static async Task<ProviderEmulators> StartAsync(LoadBenchSettings settings, CancellationToken cancellationToken)
    {
        var emulators = new ProviderEmulators(settings);
        await emulators.Listen.StartAsync(cancellationToken);
        await emulators.Speak.StartAsync(cancellationToken);
        await emulators.Chat.StartAsync(cancellationToken);
        return emulators;
    }

    /// <summary>The product's settings that point it at these emulators.</summary>
    public IReadOnlyDictionary<string, string> ProductSettings() => new Dictionary<string, string>
    {
        ["Speech__Recognizer"] = "deepgram",
        ["Speech__Synthesizer"] = "deepgram",
        ["Deepgram__BaseUrl"] = Listen.BaseUrl.ToString().TrimEnd('/'),
        ["Deepgram__SpeakBaseUrl"] = Speak.BaseUrl.ToString().TrimEnd('/'),
        ["Deepgram__ApiKey"] = DeepgramListenEmulator.DefaultApiKey,
        ["Deepgram__Endpointing"] = EndpointingMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Llm__Enabled"] = "true",
        ["Llm__Endpoint"] = Chat.BaseUrl,
        ["Llm__ApiKey"] = "bench-llm-key",
    };

    public async ValueTask DisposeAsync()
    {
        await Listen.DisposeAsync();
        await Speak.DisposeAsync();
        await Chat.DisposeAsync();
    }
}
