using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Chat;
using Voicebot.Providers.OpenAI.Speech;
using Voicebot.Providers.OpenAI.Understanding;

namespace Voicebot.Providers.OpenAI;

public static class OpenAIServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="IChatClient"/> over the OpenAI SDK's <see cref="ChatClient"/> (any OpenAI-compatible
    /// endpoint, Groq by default) with M.E.AI logging, and <see cref="LlmUtteranceInterpreter"/> as itself: the host
    /// decides whether to use it (<see cref="LlmOptions.Enabled"/>). <see cref="LlmOptions"/> is bound to the
    /// <c>Llm</c> section and validated on start. Resolving the chat client without <see cref="LlmOptions.ApiKey"/>
    /// throws <see cref="InvalidOperationException"/>, so resolve the interpreter only when the model is enabled.
    /// </summary>
    public static IServiceCollection AddOpenAILanguageModel(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptionsWithValidateOnStart<LlmOptions, LlmOptionsValidator>()
                .Bind(configuration.GetSection(LlmOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(CreateChatClient);
        services.TryAddSingleton<LlmUtteranceInterpreter>();
        return services;
    }

    /// <summary>
    /// Registers <see cref="OpenAISpeechSynthesizer"/> as itself (the host picks the synthesizer) with
    /// <see cref="OpenAITtsOptions"/> bound to the <c>OpenAITts</c> section, <c>OPENAI_API_KEY</c> as the fallback key,
    /// and validation on start.
    /// </summary>
    public static IServiceCollection AddOpenAISpeech(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptionsWithValidateOnStart<OpenAITtsOptions, OpenAITtsOptionsValidator>()
                .Bind(configuration.GetSection(OpenAITtsOptions.SectionName))
                .PostConfigure(options =>
                {
                    if (string.IsNullOrWhiteSpace(options.ApiKey) && configuration["OPENAI_API_KEY"] is { Length: > 0 } key)
                    {
                        options.ApiKey = key;
                    }
                });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OpenAISpeechSynthesizer>();
        return services;
    }

    private static IChatClient CreateChatClient(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<LlmOptions>>().Value;
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            throw new InvalidOperationException("Llm:ApiKey is not set (Llm__ApiKey in the environment or .env): the language model cannot be used.");
        }

        var chatClient = new ChatClient(options.Model, new ApiKeyCredential(options.ApiKey), new OpenAIClientOptions
        {
            Endpoint = new Uri(options.Endpoint),

            // Never retry inside a caller's turn: the rules answer instead. The interpreter enforces the real deadlines.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = options.Timeout + TimeSpan.FromSeconds(1),
        });
        return chatClient.AsIChatClient()
            .AsBuilder()
            .UseLogging(services.GetService<ILoggerFactory>())
            .Build(services);
    }
}
