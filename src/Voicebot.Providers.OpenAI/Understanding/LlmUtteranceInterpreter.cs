using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions;
using Voicebot.Conversation.Understanding;

namespace Voicebot.Providers.OpenAI.Understanding;

/// <summary>
/// Asks a chat model what the caller meant, within the current state's question: one streamed completion with a
/// per-state French system prompt and the <c>set_*</c>/<c>request_human</c>/<c>not_understood</c> tools, whose calls
/// become an <see cref="Interpretation"/>. Tools are never invoked and the model never picks the next state.
/// Any failure or timeout is a <see cref="ProviderUnavailableException"/> (provider <c>llm</c>), so the caller
/// falls back to the rules. Thread-safe.
/// </summary>
public sealed class LlmUtteranceInterpreter : IUtteranceInterpreter
{
    /// <summary>The provider name in <see cref="ProviderUnavailableException.Provider"/>.</summary>
    public const string ProviderName = "llm";

    private readonly IChatClient _chatClient;
    private readonly LlmOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly LlmPrompts _prompts;
    private readonly ChatOptions _chatOptions;

    /// <param name="chatClient">The model (see <see cref="OpenAIServiceCollectionExtensions.AddOpenAILanguageModel"/>).</param>
    /// <param name="options">Model, timeouts and prompts directory.</param>
    /// <param name="logger">Logs with the call id first; prompts and transcripts at Trace only.</param>
    /// <param name="timeProvider">Clock of the timeouts; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="environment">Its content root anchors a relative <see cref="LlmOptions.PromptsDirectory"/>; else the binaries' directory.</param>
    public LlmUtteranceInterpreter(
        IChatClient chatClient,
        IOptions<LlmOptions> options,
        ILogger<LlmUtteranceInterpreter> logger,
        TimeProvider? timeProvider = null,
        IHostEnvironment? environment = null)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _chatClient = chatClient;
        _options = options.Value;
        _logger = logger;
        _timeProvider = timeProvider ?? TimeProvider.System;
        var root = environment?.ContentRootPath ?? AppContext.BaseDirectory;
        _prompts = new LlmPrompts(Path.GetFullPath(_options.PromptsDirectory, root), logger);
        _chatOptions = new ChatOptions
        {
            ModelId = _options.Model,
            Temperature = _options.Temperature,
            MaxOutputTokens = _options.MaxOutputTokens,
            Tools = [.. LlmTools.All],
            ToolMode = ChatToolMode.RequireAny,
            AllowMultipleToolCalls = true,
            Reasoning = _options.ReasoningEffort switch
            {
                "low" => new ReasoningOptions { Effort = ReasoningEffort.Low },
                "medium" => new ReasoningOptions { Effort = ReasoningEffort.Medium },
                "high" => new ReasoningOptions { Effort = ReasoningEffort.High },
                _ => null,
            },
        };
    }

    /// <inheritdoc />
    public string Name => "llm";

    /// <inheritdoc />
    /// <remarks>
    /// The first streamed update must arrive within <see cref="LlmOptions.FirstTokenTimeout"/> and the whole response
    /// within <see cref="LlmOptions.Timeout"/>. Cancelling <paramref name="cancellationToken"/> throws
    /// <see cref="OperationCanceledException"/>, not <see cref="ProviderUnavailableException"/>.
    /// </remarks>
    public async ValueTask<Interpretation> InterpretAsync(string transcript, InterpretationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrWhiteSpace(transcript))
        {
            return Interpretation.Empty;
        }

        if (!_options.Enabled)
        {
            throw Fail(context, new ProviderUnavailableException(ProviderName, ProviderFailure.Unknown, "llm: disabled (Llm:Enabled is false)."));
        }

        string systemPrompt;
        try
        {
            systemPrompt = BuildSystemPrompt(_prompts.Get(context.Language, context.State), context);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Fail(context, new ProviderUnavailableException(ProviderName, ProviderFailure.Unknown, $"llm: {ex.Message}", ex));
        }

        OpenAILog.LlmRequest(_logger, context.CallId, _options.Model, context.State, transcript.Length);
        OpenAILog.LlmPrompt(_logger, context.CallId, systemPrompt, transcript);

        List<ChatMessage> messages = [new(ChatRole.System, systemPrompt), new(ChatRole.User, transcript)];
        var calls = new List<FunctionCallContent>();
        var started = _timeProvider.GetTimestamp();
        var updates = 0;
        TimeSpan? firstToken = null;

        // One deadline, first for the first update and then for the whole response (a CTS made with a TimeProvider
        // keeps using it for CancelAfter).
        using var deadline = new CancellationTokenSource(_options.FirstTokenTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await foreach (var update in _chatClient.GetStreamingResponseAsync(messages, _chatOptions.Clone(), linked.Token))
            {
                if (updates++ == 0)
                {
                    var elapsed = _timeProvider.GetElapsedTime(started);
                    firstToken = elapsed;
                    OpenAILog.LlmFirstUpdate(_logger, context.CallId, elapsed.TotalMilliseconds);
                    deadline.CancelAfter(_options.Timeout > elapsed ? _options.Timeout - elapsed : TimeSpan.Zero);
                }

                foreach (var content in update.Contents)
                {
                    if (content is FunctionCallContent call)
                    {
                        calls.Add(call);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is not ProviderUnavailableException)
        {
            // The caller's cancellation (barge-in, hang-up) is an outcome, not a provider failure.
            cancellationToken.ThrowIfCancellationRequested();
            throw Fail(context, deadline.IsCancellationRequested
                ? updates == 0
                    ? ProviderErrors.Timeout(ProviderName, ProviderFailure.FirstByteTimeout, "no update", _options.FirstTokenTimeout, ex)
                    : ProviderErrors.Timeout(ProviderName, ProviderFailure.Unknown, "timed out: the response did not complete", _options.Timeout, ex)
                : ProviderErrors.From(ProviderName, ex));
        }

        var interpretation = ToInterpretation(calls, context) with { FirstToken = firstToken };
        OpenAILog.LlmInterpreted(
            _logger,
            context.CallId,
            context.State,
            string.Join(", ", interpretation.Intents),
            interpretation.PhoneNumber is not null,
            interpretation.Name is not null,
            _timeProvider.GetElapsedTime(started).TotalMilliseconds);
        return interpretation;
    }

    private static string BuildSystemPrompt(string statePrompt, InterpretationContext context)
    {
        var builder = new StringBuilder(statePrompt.Length + 200).Append(statePrompt);
        builder.Append(CultureInfo.InvariantCulture, $"\n\n## Contexte\n\nÉtat de l'appel : {context.State}.");
        if (context.Expecting is { } expecting)
        {
            builder.Append(CultureInfo.InvariantCulture, $" Réponse attendue : {expecting}.");
        }

        if (context.Intents.Count > 0)
        {
            builder.Append(" Choix possibles : ").AppendJoin(", ", context.Intents).Append('.');
        }

        return builder.ToString();
    }

    private Interpretation ToInterpretation(List<FunctionCallContent> calls, InterpretationContext context)
    {
        var intents = new List<Intent>(calls.Count);
        string? phone = null;
        string? name = null;
        foreach (var call in calls)
        {
            OpenAILog.LlmToolCall(_logger, context.CallId, call.Name);
            if (_logger.IsEnabled(LogLevel.Trace))
            {
                OpenAILog.LlmToolArguments(_logger, context.CallId, call.Name, JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions));
            }

            if (call.Exception is not null)
            {
                OpenAILog.LlmToolIgnored(_logger, context.CallId, call.Name, "arguments are not valid JSON");
                continue;
            }

            switch (call.Name)
            {
                case LlmTools.SetName when ReadString(call, "name") is { Length: > 0 } spoken:
                    name = spoken;
                    break;
                case LlmTools.SetPhoneNumber when FrenchPhoneNumbers.TryNormalize(ReadString(call, "digits"), out var normalized):
                    phone = normalized;
                    break;
                case LlmTools.SetProblemKind when ReadString(call, "kind") is { } kind && ParseKind(kind) is { } topic:
                    intents.Add(topic);
                    break;
                case LlmTools.SetFixed when ReadBoolean(call, "fixed") is { } fixedNow:
                    intents.Add(fixedNow ? Intent.Yes : Intent.No);
                    break;
                case LlmTools.RequestHuman:
                    intents.Add(Intent.Human);
                    break;
                case LlmTools.NotUnderstood:
                    break;
                case LlmTools.SetName or LlmTools.SetPhoneNumber or LlmTools.SetProblemKind or LlmTools.SetFixed:
                    OpenAILog.LlmToolIgnored(_logger, context.CallId, call.Name, "missing or invalid argument");
                    break;
                default:
                    OpenAILog.LlmToolIgnored(_logger, context.CallId, call.Name, "unknown tool");
                    break;
            }
        }

        return intents.Count == 0 && phone is null && name is null
            ? Interpretation.Empty
            : new Interpretation(Order(intents), phone, name, null);
    }

    // Interpretation's contract: strongest first (human, then the topic, then the answer); calls keep their order within a rank.
    private static List<Intent> Order(List<Intent> intents)
    {
        var ordered = new List<Intent>(intents.Count);
        foreach (var rank in (ReadOnlySpan<int>)[0, 1, 2])
        {
            foreach (var intent in intents)
            {
                if (Rank(intent) == rank && !ordered.Contains(intent))
                {
                    ordered.Add(intent);
                }
            }
        }

        return ordered;

        static int Rank(Intent intent) => intent switch
        {
            Intent.Human => 0,
            Intent.Internet or Intent.Mobile => 1,
            _ => 2,
        };
    }

    private static Intent? ParseKind(string kind) => kind.Trim().ToLowerInvariant() switch
    {
        "internet" => Intent.Internet,
        "mobile" => Intent.Mobile,
        _ => null,
    };

    private static string? ReadString(FunctionCallContent call, string argument) =>
        call.Arguments is not null && call.Arguments.TryGetValue(argument, out var value)
            ? value switch
            {
                null => null,
                string text => text.Trim(),
                JsonElement { ValueKind: JsonValueKind.String } element => element.GetString()?.Trim(),
                JsonElement { ValueKind: JsonValueKind.Number } element => element.GetRawText(),
                _ => null,
            }
            : null;

    private static bool? ReadBoolean(FunctionCallContent call, string argument) =>
        call.Arguments is not null && call.Arguments.TryGetValue(argument, out var value)
            ? value switch
            {
                bool flag => flag,
                JsonElement { ValueKind: JsonValueKind.True } => true,
                JsonElement { ValueKind: JsonValueKind.False } => false,
                string or JsonElement { ValueKind: JsonValueKind.String } when bool.TryParse(ReadString(call, argument), out var parsed) => parsed,
                _ => null,
            }
            : null;

    private ProviderUnavailableException Fail(InterpretationContext context, ProviderUnavailableException exception)
    {
        OpenAILog.LlmUnavailable(_logger, context.CallId, context.State, exception.Failure, exception.Message);
        return exception;
    }
}
