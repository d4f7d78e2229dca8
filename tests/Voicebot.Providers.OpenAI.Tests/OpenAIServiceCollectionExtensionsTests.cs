using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Speech;
using Voicebot.Conversation.Understanding;
using Voicebot.Providers.OpenAI.Speech;
using Voicebot.Providers.OpenAI.Understanding;

namespace Voicebot.Providers.OpenAI.Tests;

public sealed class OpenAIServiceCollectionExtensionsTests
{
    [Fact]
    public void AddOpenAILanguageModel_Enabled_ResolvesTheInterpreterAndAChatClient()
    {
        using var services = Build(s => s.AddOpenAILanguageModel(Configuration(("Llm:Enabled", "true"), ("Llm:ApiKey", "gsk-x"))));

        var interpreter = services.GetRequiredService<LlmUtteranceInterpreter>();

        Assert.Equal("llm", interpreter.Name);
        Assert.NotNull(services.GetRequiredService<IChatClient>().GetService<ChatClientMetadata>());
        Assert.Null(services.GetService<IUtteranceInterpreter>());   // the host chooses the interpreters
    }

    [Fact]
    public void AddOpenAILanguageModel_ChatClientMetadata_NamesTheEndpointAndModel()
    {
        using var services = Build(s => s.AddOpenAILanguageModel(Configuration(("Llm:ApiKey", "gsk-x"), ("Llm:Model", "openai/gpt-oss-20b"))));

        var metadata = services.GetRequiredService<IChatClient>().GetService<ChatClientMetadata>()!;

        Assert.Equal("openai/gpt-oss-20b", metadata.DefaultModelId);
        Assert.Equal(new Uri("https://api.groq.com/openai/v1"), metadata.ProviderUri);
    }

    [Fact]
    public void AddOpenAILanguageModel_EnabledWithoutKey_FailsValidation()
    {
        using var services = Build(s => s.AddOpenAILanguageModel(Configuration(("Llm:Enabled", "true"))));

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<LlmOptions>>().Value);

        Assert.Contains("ApiKey", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddOpenAILanguageModel_ExistingChatClient_IsKept()
    {
        using var existing = new FakeChatClient();
        using var services = Build(s => s.AddSingleton<IChatClient>(existing).AddOpenAILanguageModel(Configuration()));

        Assert.Same(existing, services.GetRequiredService<IChatClient>());
    }

    [Fact]
    public void AddOpenAISpeech_NoSectionKey_FallsBackToOpenAIApiKey()
    {
        using var services = Build(s => s.AddOpenAISpeech(Configuration(("OPENAI_API_KEY", "sk-env"))));

        Assert.Equal("sk-env", services.GetRequiredService<IOptions<OpenAITtsOptions>>().Value.ApiKey);
    }

    [Fact]
    public void AddOpenAISpeech_SectionKey_WinsOverOpenAIApiKey()
    {
        using var services = Build(s => s.AddOpenAISpeech(Configuration(("OPENAI_API_KEY", "sk-env"), ("OpenAITts:ApiKey", "sk-section"))));

        Assert.Equal("sk-section", services.GetRequiredService<IOptions<OpenAITtsOptions>>().Value.ApiKey);
    }

    [Fact]
    public void AddOpenAISpeech_RegistersTheSynthesizerAsItself()
    {
        using var services = Build(s => s.AddOpenAISpeech(Configuration(("OpenAITts:Voice", "shimmer"))));

        var synthesizer = services.GetRequiredService<OpenAISpeechSynthesizer>();

        Assert.Equal("shimmer", synthesizer.Voice.Name);
        Assert.Null(services.GetService<ISpeechSynthesizer>());
    }

    [Fact]
    public void AddOpenAISpeech_InvalidSpeed_FailsValidation()
    {
        using var services = Build(s => s.AddOpenAISpeech(Configuration(("OpenAITts:Speed", "9"))));

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<OpenAITtsOptions>>().Value);
    }

    private static ServiceProvider Build(Action<IServiceCollection> configure)
    {
        var services = new ServiceCollection().AddLogging();
        configure(services);
        return services.BuildServiceProvider();
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private sealed class FakeChatClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
