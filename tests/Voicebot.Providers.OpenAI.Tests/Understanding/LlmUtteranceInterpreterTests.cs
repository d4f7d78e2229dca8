using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Voicebot.Abstractions;
using Voicebot.Conversation;
using Voicebot.Conversation.Understanding;
using Voicebot.Providers.OpenAI.Understanding;
using Voicebot.Testing.Emulators.OpenAI;
using Voicebot.Testing.Paths;
using static Voicebot.Providers.OpenAI.Tests.Understanding.LlmTestHost;

namespace Voicebot.Providers.OpenAI.Tests.Understanding;

public sealed class LlmUtteranceInterpreterTests
{
    private static readonly string[] AllTools = ["set_name", "set_phone_number", "set_problem_kind", "set_fixed", "request_human", "not_understood"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task InterpretAsync_DiagnosticBoxDown_ReturnsInternet()
    {
        // A rule, not a canned answer: the emulator reads the question and the caller's words like a model would.
        await using var emulator = await StartEmulatorAsync(request =>
            request.SystemPrompt!.Contains("Internet ou le mobile", StringComparison.Ordinal) && request.UserText!.Contains("box", StringComparison.Ordinal)
                ? EmulatedReply.Call("set_problem_kind", new { kind = "internet" })
                : EmulatedReply.Call("not_understood"));
        await using var host = Create(emulator.BaseUrl);

        var result = await host.Interpreter.InterpretAsync("ma box ne marche plus", Context("DIAGNOSTIC", ExpectedInput.Choice, Intent.Internet, Intent.Mobile), Ct);

        Assert.Equal([Intent.Internet], result.Intents);
        Assert.Null(result.PhoneNumber);
        Assert.Null(result.Name);
    }

    [Fact]
    public async Task InterpretAsync_DiagnosticMobile_ReturnsMobile()
    {
        await using var emulator = await StartEmulatorAsync(_ => EmulatedReply.Call("set_problem_kind", new { kind = "mobile" }));
        await using var host = Create(emulator.BaseUrl);

        var result = await host.Interpreter.InterpretAsync("j'ai plus de réseau sur mon portable", Context("DIAGNOSTIC", ExpectedInput.Choice), Ct);

        Assert.Equal(Intent.Mobile, result.Intent);
    }

    [Fact]
    public async Task InterpretAsync_PhoneSpokenInGroups_ReturnsNormalizedNumber()
    {
        await using var emulator = await StartEmulatorAsync(_ => EmulatedReply.Call("set_phone_number", new { digits = "06 12 34 56 78" }));
        await using var host = Create(emulator.BaseUrl);

        var result = await host.Interpreter.InterpretAsync(
            "zéro six douze trente-quatre cinquante-six soixante-dix-huit", Context("IDENTIFICATION_PHONE", ExpectedInput.PhoneNumber), Ct);

        Assert.Equal("0612345678", result.PhoneNumber);
        Assert.Empty(result.Intents);
    }

    [Fact]
    public async Task InterpretAsync_PhoneWithCountryCode_ReturnsNationalNumber()
    {
        await using var emulator = await StartEmulatorAsync(_ => EmulatedReply.Call("set_phone_number", new { digits = "+33 6 12 34 56 78" }));
        await using var host = Create(emulator.BaseUrl);

        var result = await host.Interpreter.InterpretAsync("plus trente-trois six douze…", Context("IDENTIFICATION_PHONE", ExpectedInput.PhoneNumber), Ct);

        Assert.Equal("0612345678", result.PhoneNumber);
    }

    [Fact]
    public async Task InterpretAsync_InvalidPhone_IsIgnored()
    {
        await using var emulator = await StartEmulatorAsync(_ => EmulatedReply.Call("set_phone_number", new { digits = "06 12" }));
        await using var host = Create(emulator.BaseUrl);

        var result = await host.Interpreter.InterpretAsync("zéro six douze", Context("IDENTIFICATION_PHONE", ExpectedInput.PhoneNumber), Ct);

        AssertEmptyButTimed(result);
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Name == "LlmToolIgnored");
    }

    [Fact]
    public async Task InterpretAsync_VerificationStillBroken_ReturnsNo()
    {
        await using var emulator = await StartEmulatorAsync(_ => EmulatedReply.Call("set_fixed", new { @fixed = false }));
        await using var host = Create(emulator.BaseUrl);

        var result = await host.Interpreter.InterpretAsync("non toujours pas", Context("VERIFICATION", ExpectedInput.Choice, Intent.Yes, Intent.No), Ct);

        Assert.Equal([Intent.No], result.Intents);
    }

    [Fact]
    public async Task InterpretAsync_VerificationFixed_ReturnsYes()
    {
        await using var emulator = await StartEmulatorAsync(_ => EmulatedReply.Call("set_fixed", new { @fixed = true }));
        await using var host = Create(emulator.BaseUrl);

        var result = await host.Interpreter.InterpretAsync("oui ça remarche", Context("VERIFICATION", ExpectedInput.Choice), Ct);

        Assert.Equal([Intent.Yes], result.Intents);
    }

    [Fact]
    public async Task InterpretAsync_RequestHuman_ReturnsHuman()
    {
        await using var emulator = await StartEmulatorAsync(_ => EmulatedReply.Call("request_human"));
        await using var host = Create(emulator.BaseUrl);

        var result = await host.Interpreter.InterpretAsync("je veux parler à un conseiller", Context("DIAGNOSTIC", ExpectedInput.Choice), Ct);

        Assert.Equal([Intent.Human], result.Intents);
    }

    [Fact]
    public async Task InterpretAsync_AnswerThenHuman_PutsHumanFirst()
    {
        await using var emulator = await StartEmulatorAsync(_ => EmulatedReply.Calls(
            EmulatedToolCall.Of("set_fixed", new { @fixed = false }),
            EmulatedToolCall.Of("request_human"),
            EmulatedToolCall.Of("set_fixed", new { @fixed = false })));
        await using var host = Create(emulator.BaseUrl);

        var result = await host.Interpreter.InterpretAsync("non, passez-moi un technicien", Context("VERIFICATION", ExpectedInput.Choice), Ct);

        Assert.Equal([Intent.Human, Intent.No], result.Intents);
    }

    [Fact]
    public async Task InterpretAsync_Name_ReturnsName()
    {
        await using var emulator = await StartEmulatorAsync(_ => EmulatedReply.Call("set_name", new { name = "Jean Dupont" }));
        await using var host = Create(emulator.BaseUrl);

        var result = await host.Interpreter.InterpretAsync("c'est monsieur Jean Dupont", Context("IDENTIFICATION_NAME", ExpectedInput.Recording), Ct);

        Assert.Equal("Jean Dupont", result.Name);
        Assert.Empty(result.Intents);
    }

    [Fact]
    public async Task InterpretAsync_ArgumentsOneCharacterPerChunk_AreReassembled()
    {
        await using var emulator = await StartEmulatorAsync(_ => EmulatedReply.Calls(
            EmulatedToolCall.Of("set_phone_number", new { digits = "0612345678" }),
            EmulatedToolCall.Of("set_problem_kind", new { kind = "mobile" })));
        emulator.ArgumentFragmentLength = 1;
        await using var host = Create(emulator.BaseUrl);

        var result = await host.Interpreter.InterpretAsync("mon portable, le zéro six douze…", Context("DIAGNOSTIC", ExpectedInput.Choice), Ct);

        Assert.Equal("0612345678", result.PhoneNumber);
        Assert.Equal([Intent.Mobile], result.Intents);
        var argumentCharacters = """{"digits":"0612345678"}""".Length + """{"kind":"mobile"}""".Length;
        Assert.True(emulator.ChunksSent > argumentCharacters, $"{emulator.ChunksSent} chunks");
    }

    [Theory]
    [InlineData("not_understood")]
    [InlineData("transfer_to_technician")]
    public async Task InterpretAsync_NotUnderstoodOrUnknownTool_ReturnsEmpty(string tool)
    {
        await using var emulator = await StartEmulatorAsync(_ => EmulatedReply.Call(tool));
        await using var host = Create(emulator.BaseUrl);

        var result = await host.Interpreter.InterpretAsync("euh", Context("DIAGNOSTIC", ExpectedInput.Choice), Ct);

        AssertEmptyButTimed(result);
    }

    [Fact]
    public async Task InterpretAsync_TextWithoutToolCall_ReturnsEmpty()
    {
        await using var emulator = await StartEmulatorAsync(_ => EmulatedReply.Say("Votre problème concerne Internet."));
        await using var host = Create(emulator.BaseUrl);

        var result = await host.Interpreter.InterpretAsync("internet", Context("DIAGNOSTIC", ExpectedInput.Choice), Ct);

        AssertEmptyButTimed(result);
    }

    [Fact]
    public async Task InterpretAsync_Request_CarriesStatePromptToolsModelAndKey()
    {
        await using var emulator = await StartEmulatorAsync(_ => EmulatedReply.Call("set_problem_kind", new { kind = "internet" }));
        await using var host = Create(emulator.BaseUrl);

        await host.Interpreter.InterpretAsync("ma box ne marche plus", Context("DIAGNOSTIC", ExpectedInput.Choice, Intent.Internet, Intent.Mobile), Ct);

        var request = Assert.Single(emulator.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("openai/gpt-oss-120b", request.Model);
        Assert.Equal($"Bearer {ApiKey}", request.Authorization);
        Assert.True(request.Stream);
        var diagnosticPrompt = File.ReadAllText(Path.Combine(RepositoryPaths.Assets, "prompts", "fr", "DIAGNOSTIC.md")).Trim();
        Assert.StartsWith(diagnosticPrompt, request.SystemPrompt, StringComparison.Ordinal);
        Assert.Contains("DIAGNOSTIC", request.SystemPrompt, StringComparison.Ordinal);
        Assert.Contains("Internet, Mobile", request.SystemPrompt, StringComparison.Ordinal);
        Assert.Equal("ma box ne marche plus", request.UserText);
        Assert.Equal(["system", "user"], request.Messages.Select(m => m.Role));
        Assert.Equal(AllTools, request.Tools.Select(t => t.Name));
        Assert.Equal("required", request.ToolChoice);
        var kind = request.Tools.Single(t => t.Name == "set_problem_kind").Parameters.GetProperty("properties").GetProperty("kind");
        Assert.Equal(["internet", "mobile"], kind.GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("low", request.Body.GetProperty("reasoning_effort").GetString());
        Assert.Equal(200, MaxTokens(request.Body));
        Assert.Equal(0, request.Body.GetProperty("temperature").GetDouble());
    }

    [Theory]
    [InlineData("IDENTIFICATION_PHONE", "IDENTIFICATION_PHONE.md")]
    [InlineData("VERIFICATION", "VERIFICATION.md")]
    [InlineData("IDENTIFICATION_NAME", "IDENTIFICATION_NAME.md")]
    [InlineData("WELCOME", "default.md")]
    [InlineData("../../etc/passwd", "default.md")]
    public async Task InterpretAsync_State_SendsItsPromptElseTheDefault(string state, string file)
    {
        await using var emulator = await StartEmulatorAsync(_ => EmulatedReply.Call("not_understood"));
        await using var host = Create(emulator.BaseUrl);

        await host.Interpreter.InterpretAsync("allô", Context(state), Ct);
        await host.Interpreter.InterpretAsync("allô ?", Context(state), Ct);

        var expected = File.ReadAllText(Path.Combine(RepositoryPaths.Assets, "prompts", "fr", file)).Trim();
        Assert.All(emulator.Requests, request => Assert.StartsWith(expected, request.SystemPrompt, StringComparison.Ordinal));
        Assert.Single(host.Logs.GetSnapshot(), r => r.Id.Name == "LlmPromptLoaded");   // read once, then cached
    }

    [Fact]
    public async Task InterpretAsync_NoPromptFiles_ThrowsProviderUnavailableWithoutCalling()
    {
        await using var emulator = await StartEmulatorAsync(_ => EmulatedReply.Call("not_understood"));
        await using var host = Create(emulator.BaseUrl, new Dictionary<string, string?> { ["Llm:PromptsDirectory"] = RepositoryPaths.NewTemporaryDirectory("no-prompts") });

        var ex = await Assert.ThrowsAsync<ProviderUnavailableException>(() => host.Interpreter.InterpretAsync("allô", Context("DIAGNOSTIC"), Ct).AsTask());

        Assert.Equal("llm", ex.Provider);
        Assert.Empty(emulator.Requests);
    }

    [Fact]
    public async Task InterpretAsync_GroqLayout_Works()
    {
        await using var emulator = await StartEmulatorAsync(_ => EmulatedReply.Call("request_human"));
        await using var host = Create(emulator.GroqBaseUrl);

        var result = await host.Interpreter.InterpretAsync("un humain", Context("DIAGNOSTIC"), Ct);

        Assert.Equal(Intent.Human, result.Intent);
        Assert.Equal("/openai/v1/chat/completions", Assert.Single(emulator.Requests).Path);
    }

    [Fact]
    public async Task InterpretAsync_RealisticPacing_Works()
    {
        // The emulator's defaults: 300 ms to the first token, 40 tokens/s (about 0.6 s here); deadlines twice the
        // production defaults, so a busy test machine does not fail it.
        await using var emulator = new OpenAIChatEmulator(_ => EmulatedReply.Call("set_problem_kind", new { kind = "internet" }));
        await emulator.StartAsync(Ct);
        await using var host = Create(emulator.BaseUrl, Timeouts(first: "00:00:03", whole: "00:00:06"));

        var result = await host.Interpreter.InterpretAsync("c'est la fibre", Context("DIAGNOSTIC"), Ct);

        Assert.Equal(Intent.Internet, result.Intent);
        Assert.Equal(1, emulator.StreamsCompleted);
    }

    [Fact]
    public async Task InterpretAsync_BlankTranscript_ReturnsEmptyWithoutCalling()
    {
        await using var emulator = await StartEmulatorAsync(_ => EmulatedReply.Call("request_human"));
        await using var host = Create(emulator.BaseUrl);

        var result = await host.Interpreter.InterpretAsync("  ", Context("DIAGNOSTIC"), Ct);

        Assert.Same(Interpretation.Empty, result);
        Assert.Empty(emulator.Requests);
    }

    [Fact]
    public async Task InterpretAsync_Disabled_ThrowsProviderUnavailableWithoutCalling()
    {
        await using var emulator = await StartEmulatorAsync(_ => EmulatedReply.Call("request_human"));
        await using var host = Create(emulator.BaseUrl, new Dictionary<string, string?> { ["Llm:Enabled"] = "false" });

        var ex = await Assert.ThrowsAsync<ProviderUnavailableException>(() => host.Interpreter.InterpretAsync("un humain", Context("DIAGNOSTIC"), Ct).AsTask());

        Assert.Equal("llm", ex.Provider);
        Assert.Empty(emulator.Requests);
    }

    [Fact]
    public async Task InterpretAsync_HangBeforeFirstByte_ThrowsFirstByteTimeout()
    {
        await using var emulator = await StartEmulatorAsync(_ => EmulatedReply.Hang());
        await using var host = Create(emulator.BaseUrl, Timeouts(first: "00:00:00.2", whole: "00:00:05"));

        var ex = await Assert.ThrowsAsync<ProviderUnavailableException>(() => host.Interpreter.InterpretAsync("allô", Context("DIAGNOSTIC"), Ct).AsTask());

        Assert.Equal(("llm", ProviderFailure.FirstByteTimeout), (ex.Provider, ex.Failure));
    }

    [Fact]
    public async Task InterpretAsync_HeadersButNoToken_ThrowsFirstByteTimeout()
    {
        await using var emulator = await StartEmulatorAsync(_ => new EmulatedReply { FirstTokenLatency = TimeSpan.FromMinutes(1), ToolCalls = [EmulatedToolCall.Of("request_human")] });
        await using var host = Create(emulator.BaseUrl, Timeouts(first: "00:00:00.2", whole: "00:00:05"));

        var ex = await Assert.ThrowsAsync<ProviderUnavailableException>(() => host.Interpreter.InterpretAsync("allô", Context("DIAGNOSTIC"), Ct).AsTask());

        Assert.Equal(ProviderFailure.FirstByteTimeout, ex.Failure);
        Assert.Equal(0, emulator.ChunksSent);
    }

    [Fact]
    public async Task InterpretAsync_SlowStream_ThrowsAfterTheWholeTimeout()
    {
        await using var emulator = await StartEmulatorAsync(_ => new EmulatedReply
        {
            FirstTokenLatency = TimeSpan.Zero,
            TokensPerSecond = 4,   // about 12 s for this call
            ToolCalls = [EmulatedToolCall.Of("set_name", new { name = "Jean-Christophe Dupont-Martin" })],
        });
        emulator.ArgumentFragmentLength = 1;
        await using var host = Create(emulator.BaseUrl, Timeouts(first: "00:00:02", whole: "00:00:02"));

        var ex = await Assert.ThrowsAsync<ProviderUnavailableException>(() => host.Interpreter.InterpretAsync("Jean-Christophe", Context("IDENTIFICATION_NAME"), Ct).AsTask());

        Assert.Equal("llm", ex.Provider);
        Assert.NotEqual(ProviderFailure.FirstByteTimeout, ex.Failure);
        Assert.Contains("did not complete", ex.Message, StringComparison.Ordinal);
        Assert.True(emulator.ChunksSent >= 1);
    }

    [Theory]
    [InlineData(401, "invalid_api_key", "Invalid API Key")]
    [InlineData(429, "rate_limit_exceeded", "Rate limit reached for model openai/gpt-oss-120b")]
    [InlineData(500, "internal_server_error", "Internal server error")]
    [InlineData(503, "service_unavailable", "Service Unavailable")]
    public async Task InterpretAsync_ErrorStatus_ThrowsHttpStatusOnceWithTheProviderText(int status, string code, string message)
    {
        await using var emulator = await StartEmulatorAsync(_ => EmulatedReply.Error(status, code, message));
        await using var host = Create(emulator.BaseUrl);

        var ex = await Assert.ThrowsAsync<ProviderUnavailableException>(() => host.Interpreter.InterpretAsync("allô", Context("DIAGNOSTIC"), Ct).AsTask());

        Assert.Equal(("llm", ProviderFailure.HttpStatus), (ex.Provider, ex.Failure));
        Assert.Contains($"HTTP {status}", ex.Message, StringComparison.Ordinal);
        Assert.Contains(code, ex.Message, StringComparison.Ordinal);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Single(emulator.Requests);   // never retried inside a turn
    }

    [Fact]
    public async Task InterpretAsync_DecommissionedModel_SurfacesGroqsError()
    {
        await using var emulator = await StartEmulatorAsync(request => request.Model == "llama-3.3-70b-versatile"
            ? EmulatedReply.ModelDecommissioned(request.Model)
            : EmulatedReply.Call("request_human"));
        await using var host = Create(emulator.GroqBaseUrl, new Dictionary<string, string?> { ["Llm:Model"] = "llama-3.3-70b-versatile" });

        var ex = await Assert.ThrowsAsync<ProviderUnavailableException>(() => host.Interpreter.InterpretAsync("allô", Context("DIAGNOSTIC"), Ct).AsTask());

        Assert.Equal(ProviderFailure.HttpStatus, ex.Failure);
        Assert.Contains("HTTP 400 (model_decommissioned)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("`llama-3.3-70b-versatile` has been decommissioned", ex.Message, StringComparison.Ordinal);
        var warning = Assert.Single(host.Logs.GetSnapshot(), r => r.Id.Name == "LlmUnavailable");
        Assert.Contains("model_decommissioned", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InterpretAsync_ModelNotFound_ThrowsHttpStatus()
    {
        await using var emulator = await StartEmulatorAsync(request => EmulatedReply.ModelNotFound(request.Model!));
        await using var host = Create(emulator.BaseUrl);

        var ex = await Assert.ThrowsAsync<ProviderUnavailableException>(() => host.Interpreter.InterpretAsync("allô", Context("DIAGNOSTIC"), Ct).AsTask());

        Assert.Equal(ProviderFailure.HttpStatus, ex.Failure);
        Assert.Contains("HTTP 404 (model_not_found)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InterpretAsync_DroppedMidStream_ThrowsClosed()
    {
        await using var emulator = await StartEmulatorAsync(_ => EmulatedReply.Call("set_phone_number", new { digits = "0612345678" }).DroppingAfter(3));
        await using var host = Create(emulator.BaseUrl);

        var ex = await Assert.ThrowsAsync<ProviderUnavailableException>(() => host.Interpreter.InterpretAsync("zéro six", Context("IDENTIFICATION_PHONE"), Ct).AsTask());

        Assert.Equal(("llm", ProviderFailure.Closed), (ex.Provider, ex.Failure));
        Assert.Equal(3, emulator.ChunksSent);
    }

    [Fact]
    public async Task InterpretAsync_NothingListening_ThrowsConnectRefused()
    {
        await using var host = Create($"http://127.0.0.1:{FreePort()}/v1");

        var ex = await Assert.ThrowsAsync<ProviderUnavailableException>(() => host.Interpreter.InterpretAsync("allô", Context("DIAGNOSTIC"), Ct).AsTask());

        Assert.Equal(("llm", ProviderFailure.ConnectRefused), (ex.Provider, ex.Failure));
    }

    [Fact]
    public async Task InterpretAsync_CallerCancels_ThrowsOperationCanceled()
    {
        await using var emulator = await StartEmulatorAsync(_ => EmulatedReply.Hang());
        await using var host = Create(emulator.BaseUrl);
        using var barge = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        barge.CancelAfter(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Interpreter.InterpretAsync("allô", Context("DIAGNOSTIC"), barge.Token).AsTask());

        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Id.Name == "LlmUnavailable");
    }

    [Fact]
    public async Task InterpretAsync_AnyOutcome_NeverLogsTheKeyAndLogsCallIdFirst()
    {
        var calls = 0;
        await using var emulator = await StartEmulatorAsync(_ => Interlocked.Increment(ref calls) == 1
            ? EmulatedReply.Call("set_phone_number", new { digits = "0612345678" })
            : EmulatedReply.Error(401, "invalid_api_key", "Invalid API Key"));
        await using var host = Create(emulator.BaseUrl);
        var context = Context("IDENTIFICATION_PHONE");

        await host.Interpreter.InterpretAsync("zéro six douze", context, Ct);
        await Assert.ThrowsAsync<ProviderUnavailableException>(() => host.Interpreter.InterpretAsync("zéro six douze", context, Ct).AsTask());

        var records = host.Logs.GetSnapshot();
        Assert.Contains(records, r => r.Level == Microsoft.Extensions.Logging.LogLevel.Trace);   // the most verbose level was on
        Assert.All(records, r =>
        {
            Assert.DoesNotContain(ApiKey, r.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(ApiKey, r.Exception?.ToString() ?? string.Empty, StringComparison.Ordinal);
            Assert.All(r.StructuredState ?? [], pair => Assert.DoesNotContain(ApiKey, pair.Value ?? string.Empty, StringComparison.Ordinal));
        });
        Assert.All(
            records.Where(r => r.Category == typeof(LlmUtteranceInterpreter).FullName && r.Id.Name is "LlmRequest" or "LlmInterpreted" or "LlmUnavailable" or "LlmToolCall"),
            r => Assert.Equal(("CallId", context.CallId.ToString()), (r.StructuredState![0].Key, r.StructuredState[0].Value)));
    }

    private static Dictionary<string, string?> Timeouts(string first, string whole) =>
        new() { ["Llm:FirstTokenTimeout"] = first, ["Llm:Timeout"] = whole };

    private static int MaxTokens(JsonElement body) =>
        body.TryGetProperty("max_completion_tokens", out var value) ? value.GetInt32() : body.GetProperty("max_tokens").GetInt32();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Nothing understood, yet the model answered: its first-token time still reaches the call record.</summary>
    private static void AssertEmptyButTimed(Interpretation result)
    {
        Assert.Empty(result.Intents);
        Assert.Null(result.PhoneNumber);
        Assert.Null(result.Name);
        Assert.NotNull(result.FirstToken);
    }
}
