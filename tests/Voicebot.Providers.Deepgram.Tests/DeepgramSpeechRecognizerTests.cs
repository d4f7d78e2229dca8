using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions;
using Voicebot.Abstractions.Speech;
using Voicebot.Testing.Emulators.Deepgram;

namespace Voicebot.Providers.Deepgram.Tests;

public sealed class DeepgramSpeechRecognizerTests : IAsyncLifetime
{
    private static readonly string[] Script = ["bonjour", "je voudrais prendre rendez-vous", "merci au revoir"];

    private readonly DeepgramListenEmulator _emulator = new() { Script = Script };

    public ValueTask InitializeAsync() => new(_emulator.StartAsync(TestContext.Current.CancellationToken));

    public ValueTask DisposeAsync() => _emulator.DisposeAsync();

    [Fact]
    public async Task RecognizeAsync_Connect_SendsTheDocumentedQueryAndTokenHeader()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = RecognitionRun.Start(CreateRecognizer(), ct, language: "fr-CA");

        await _emulator.WaitUntilAsync(emulator => emulator.Sessions == 1, ct);
        run.Complete();
        await run.DrainAsync(ct);

        var request = Assert.Single(_emulator.Requests);
        Assert.Equal("/v1/listen", request.Path);
        Assert.Equal("Token " + DeepgramListenEmulator.DefaultApiKey, request.Authorization);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["model"] = "nova-3",
                ["language"] = "fr-CA",
                ["encoding"] = "linear16",
                ["sample_rate"] = "8000",
                ["channels"] = "1",
                ["interim_results"] = "true",
                ["endpointing"] = "300",
                ["utterance_end_ms"] = "1000",
                ["vad_events"] = "true",
                ["smart_format"] = "true",
            },
            request.Query);
    }

    [Fact]
    public async Task RecognizeAsync_ScriptedConversation_YieldsStartsTranscriptsAndUtteranceEndsInOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = RecognitionRun.Start(CreateRecognizer(), ct);

        run.Speak(600);
        run.Silence(1200);
        await run.NextAsync(RecognitionUpdateKind.UtteranceEnd, ct);
        run.Speak(800);
        run.Silence(1200);
        await run.NextAsync(RecognitionUpdateKind.UtteranceEnd, ct);
        run.Complete();
        await run.DrainAsync(ct);

        var milestones = run.Seen.Where(update => update.Kind != RecognitionUpdateKind.Transcript || update.IsFinal).ToList();
        Assert.Equal(
            [
                RecognitionUpdateKind.SpeechStarted, RecognitionUpdateKind.Transcript, RecognitionUpdateKind.UtteranceEnd,
                RecognitionUpdateKind.SpeechStarted, RecognitionUpdateKind.Transcript, RecognitionUpdateKind.UtteranceEnd,
                RecognitionUpdateKind.Metadata,
            ],
            milestones.Select(update => update.Kind));
        Assert.Equal(new[] { Script[0], Script[1] }, milestones.Where(u => u.Kind == RecognitionUpdateKind.Transcript).Select(u => u.Transcript));
        Assert.All(milestones.Where(u => u.Kind == RecognitionUpdateKind.Transcript), u => Assert.True(u.SpeechFinal && u.Confidence > 0.9));
        Assert.Contains(run.Seen, update => update.Kind == RecognitionUpdateKind.Transcript && !update.IsFinal && update.Transcript.Length > 0);
        Assert.False(string.IsNullOrEmpty(milestones[^1].Detail));
        Assert.Equal(1, _emulator.Sessions);
        Assert.Equal(1, _emulator.CloseStreamsReceived);
        Assert.Equal(16L * (600 + 1200 + 800 + 1200), _emulator.AudioBytesReceived);   // 8000 Hz × 2 bytes = 16 bytes per ms
    }

    [Fact]
    public async Task RecognizeAsync_FinalizeDuringSpeech_YieldsAFinalFromFinalize()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = RecognitionRun.Start(CreateRecognizer(), ct);

        run.Speak(600);
        await run.NextAsync(RecognitionUpdateKind.SpeechStarted, ct);
        run.FinalizeUtterance();
        var final = await run.NextAsync(update => update is { Kind: RecognitionUpdateKind.Transcript, IsFinal: true }, ct);
        run.Complete();
        await run.DrainAsync(ct);

        Assert.Equal(Script[0], final.Transcript);
        Assert.Equal("from_finalize", final.Detail);
        Assert.Equal(1, _emulator.FinalizesReceived);
        Assert.Contains("""{"type":"Finalize"}""", _emulator.TextMessages);
    }

    [Fact]
    public async Task RecognizeAsync_NoAudio_SendsKeepAlivesAndTheSessionStaysOpen()
    {
        var ct = TestContext.Current.CancellationToken;
        _emulator.IdleTimeout = TimeSpan.FromSeconds(1);
        var run = RecognitionRun.Start(CreateRecognizer(options => options.KeepAliveInterval = TimeSpan.FromMilliseconds(100)), ct);

        await _emulator.WaitUntilAsync(emulator => emulator.KeepAlivesReceived >= 15, ct);
        run.Complete();
        await run.DrainAsync(ct);

        Assert.Equal(0, _emulator.IdleClosures);
        Assert.Equal(1, _emulator.Sessions);
        Assert.DoesNotContain(run.Seen, update => update.Kind == RecognitionUpdateKind.Reconnected);
        Assert.Equal(RecognitionUpdateKind.Metadata, run.Seen[^1].Kind);
        Assert.Contains("""{"type":"KeepAlive"}""", _emulator.TextMessages);
    }

    [Fact]
    public async Task RecognizeAsync_NoKeepAliveWithinTheIdleTimeout_ReconnectsAfterNet0001()
    {
        var ct = TestContext.Current.CancellationToken;
        _emulator.IdleTimeout = TimeSpan.FromSeconds(1);
        var run = RecognitionRun.Start(CreateRecognizer(options => options.KeepAliveInterval = TimeSpan.FromSeconds(9)), ct);

        var reconnected = await run.NextAsync(RecognitionUpdateKind.Reconnected, ct);
        _emulator.IdleTimeout = TimeSpan.FromMinutes(1);
        run.Complete();
        await run.DrainAsync(ct);

        Assert.Contains("1011", reconnected.Detail, StringComparison.Ordinal);
        Assert.Contains("NET-0001", reconnected.Detail, StringComparison.Ordinal);
        Assert.Equal(0, _emulator.KeepAlivesReceived);
        Assert.True(_emulator.IdleClosures >= 1);
        Assert.Equal(2, _emulator.Sessions);
        Assert.Equal(RecognitionUpdateKind.Metadata, run.Seen[^1].Kind);
    }

    [Fact]
    public async Task RecognizeAsync_ConnectionDroppedMidCall_ReconnectsAndLaterTranscriptsArrive()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = RecognitionRun.Start(CreateRecognizer(), ct);

        run.Speak(600);
        run.Silence(1200);
        await run.NextAsync(RecognitionUpdateKind.UtteranceEnd, ct);
        _emulator.DropActiveSessions();
        await run.NextAsync(RecognitionUpdateKind.Reconnected, ct);
        run.Speak(800);
        run.Silence(1200);
        var second = await run.NextAsync(update => update is { Kind: RecognitionUpdateKind.Transcript, IsFinal: true }, ct);
        run.Complete();
        await run.DrainAsync(ct);

        Assert.Equal(Script[1], second.Transcript);
        Assert.Equal(2, _emulator.Sessions);
        Assert.Equal(RecognitionUpdateKind.Metadata, run.Seen[^1].Kind);
    }

    [Fact]
    public async Task RecognizeAsync_DroppedAfterTheFirstMessage_ReconnectsAndTranscribesLaterSpeech()
    {
        var ct = TestContext.Current.CancellationToken;
        _emulator.DropAfter(messages: 1);
        var run = RecognitionRun.Start(CreateRecognizer(), ct);

        run.Speak(600);
        await run.NextAsync(RecognitionUpdateKind.Reconnected, ct);
        run.Silence(400);
        run.Speak(600);
        run.Silence(1200);
        var final = await run.NextAsync(update => update is { Kind: RecognitionUpdateKind.Transcript, IsFinal: true }, ct);
        run.Complete();
        await run.DrainAsync(ct);

        Assert.Contains(final.Transcript, Script);
        Assert.Equal(2, _emulator.Sessions);
        Assert.Single(run.Seen, update => update.Kind == RecognitionUpdateKind.Reconnected);
    }

    [Fact]
    public async Task RecognizeAsync_DropsBeyondReconnectAttempts_ThrowsClosed()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = RecognitionRun.Start(CreateRecognizer(options => options.ReconnectAttempts = 1), ct);

        await _emulator.WaitUntilAsync(emulator => emulator.ActiveSessions == 1, ct);
        _emulator.CloseWithCode(1011, "emulated server error");
        await run.NextAsync(RecognitionUpdateKind.Reconnected, ct);
        await _emulator.WaitUntilAsync(emulator => emulator.ActiveSessions == 1 && emulator.Sessions == 2, ct);
        _emulator.DropActiveSessions();
        var thrown = await Assert.ThrowsAsync<ProviderUnavailableException>(() => run.DrainAsync(ct));

        Assert.Equal(ProviderFailure.Closed, thrown.Failure);
        Assert.Equal("deepgram", thrown.Provider);
        Assert.Contains("1011 emulated server error", run.Seen.Single(u => u.Kind == RecognitionUpdateKind.Reconnected).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecognizeAsync_ReconnectRefused_ThrowsWithTheStatus()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = RecognitionRun.Start(CreateRecognizer(), ct);

        await _emulator.WaitUntilAsync(emulator => emulator.ActiveSessions == 1, ct);
        _emulator.RefuseHandshake(503);
        _emulator.DropActiveSessions();
        var thrown = await Assert.ThrowsAsync<ProviderUnavailableException>(() => run.DrainAsync(ct));

        Assert.Equal(ProviderFailure.HttpStatus, thrown.Failure);
        Assert.Contains("503", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("re-opened", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(1 + 3, _emulator.HandshakeAttempts);
    }

    [Theory]
    [InlineData(500, 3)]
    [InlineData(503, 3)]
    [InlineData(429, 3)]
    [InlineData(401, 1)]
    [InlineData(403, 1)]
    public async Task RecognizeAsync_HandshakeRefused_ThrowsHttpStatusAfterRetryingOnlyTransientStatuses(int status, int expectedAttempts)
    {
        var ct = TestContext.Current.CancellationToken;
        _emulator.RefuseHandshake(status);
        var run = RecognitionRun.Start(CreateRecognizer(), ct);

        var thrown = await Assert.ThrowsAsync<ProviderUnavailableException>(() => run.DrainAsync(ct));

        Assert.Equal(ProviderFailure.HttpStatus, thrown.Failure);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), thrown.Message, StringComparison.Ordinal);
        Assert.Equal(expectedAttempts, _emulator.HandshakeAttempts);
        Assert.Equal(0, _emulator.Sessions);
    }

    [Fact]
    public async Task RecognizeAsync_WrongKey_Throws401WithoutRetrying()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = RecognitionRun.Start(CreateRecognizer(options => options.ApiKey = "wrong"), ct);

        var thrown = await Assert.ThrowsAsync<ProviderUnavailableException>(() => run.DrainAsync(ct));

        Assert.Equal(ProviderFailure.HttpStatus, thrown.Failure);
        Assert.Contains("401", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(1, _emulator.HandshakeAttempts);
    }

    [Fact]
    public async Task RecognizeAsync_HandshakeHangs_ThrowsConnectTimeoutAfterRetries()
    {
        var ct = TestContext.Current.CancellationToken;
        _emulator.HangOnConnect();
        var run = RecognitionRun.Start(
            CreateRecognizer(options =>
            {
                options.ConnectTimeout = TimeSpan.FromMilliseconds(200);
                options.ConnectRetries = 1;
            }),
            ct);

        var thrown = await Assert.ThrowsAsync<ProviderUnavailableException>(() => run.DrainAsync(ct));

        Assert.Equal(ProviderFailure.ConnectTimeout, thrown.Failure);
        Assert.Equal(2, _emulator.HandshakeAttempts);
    }

    [Fact]
    public async Task RecognizeAsync_NothingListening_ThrowsConnectRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        var closedPort = _emulator.BaseUrl;
        await _emulator.DisposeAsync();
        var run = RecognitionRun.Start(CreateRecognizer(options => options.BaseUrl = closedPort), ct);

        var thrown = await Assert.ThrowsAsync<ProviderUnavailableException>(() => run.DrainAsync(ct));

        Assert.Equal(ProviderFailure.ConnectRefused, thrown.Failure);
    }

    [Fact]
    public async Task RecognizeAsync_NoApiKey_ThrowsBeforeConnecting()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = RecognitionRun.Start(CreateRecognizer(options => options.ApiKey = null), ct);

        var thrown = await Assert.ThrowsAsync<ProviderUnavailableException>(() => run.DrainAsync(ct));

        Assert.Equal("Deepgram:ApiKey is not set.", thrown.Message);
        Assert.Equal(0, _emulator.HandshakeAttempts);
    }

    [Fact]
    public async Task RecognizeAsync_Cancelled_ClosesTheSocketWithNormalClosure()
    {
        var ct = TestContext.Current.CancellationToken;
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = RecognitionRun.Start(CreateRecognizer(), cancellation.Token);

        run.Speak(200);
        await _emulator.WaitUntilAsync(emulator => emulator.AudioBytesReceived > 0, ct);
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.Completion);
        await _emulator.WaitUntilAsync(emulator => emulator.ClientCloseStatuses.Count == 1, ct);

        Assert.Equal([1000], _emulator.ClientCloseStatuses);
        Assert.Equal(0, _emulator.CloseStreamsReceived);
    }

    [Fact]
    public async Task RecognizeAsync_InputCompletes_SendsCloseStreamAndEndsAfterMetadata()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = RecognitionRun.Start(CreateRecognizer(), ct);

        run.Speak(600);
        run.Complete();
        await run.DrainAsync(ct);

        Assert.Equal(RecognitionUpdateKind.Metadata, run.Seen[^1].Kind);
        Assert.Contains(run.Seen, update => update is { Kind: RecognitionUpdateKind.Transcript, IsFinal: true, Transcript: "bonjour" });
        Assert.Equal("""{"type":"CloseStream"}""", _emulator.TextMessages[^1]);
        Assert.Equal([1000], _emulator.ClientCloseStatuses);
    }

    [Fact]
    public async Task RecognizeAsync_Logs_NeverContainTheApiKey()
    {
        var ct = TestContext.Current.CancellationToken;
        var collector = new FakeLogCollector();
        var run = RecognitionRun.Start(CreateRecognizer(logger: new FakeLogger<DeepgramSpeechRecognizer>(collector)), ct);
        run.Speak(600);
        run.Silence(1200);
        await run.NextAsync(RecognitionUpdateKind.UtteranceEnd, ct);
        _emulator.DropActiveSessions();
        await run.NextAsync(RecognitionUpdateKind.Reconnected, ct);
        run.Complete();
        await run.DrainAsync(ct);
        _emulator.RefuseHandshake(500);
        var refused = RecognitionRun.Start(CreateRecognizer(logger: new FakeLogger<DeepgramSpeechRecognizer>(collector)), ct);
        await Assert.ThrowsAsync<ProviderUnavailableException>(() => refused.DrainAsync(ct));

        var records = collector.GetSnapshot();

        Assert.Contains(records, record => record.Level == LogLevel.Trace && record.Message.Contains("bonjour", StringComparison.Ordinal));
        Assert.All(records, record =>
        {
            Assert.DoesNotContain(DeepgramListenEmulator.DefaultApiKey, record.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(DeepgramListenEmulator.DefaultApiKey, record.Exception?.ToString() ?? string.Empty, StringComparison.Ordinal);
            Assert.All(record.StructuredState ?? [], pair => Assert.DoesNotContain(DeepgramListenEmulator.DefaultApiKey, pair.Value ?? string.Empty, StringComparison.Ordinal));
        });
    }

    [Fact]
    public void Name_IsDeepgram() => Assert.Equal("deepgram", CreateRecognizer().Name);

    private DeepgramSpeechRecognizer CreateRecognizer(Action<DeepgramOptions>? configure = null, ILogger<DeepgramSpeechRecognizer>? logger = null)
    {
        var options = new DeepgramOptions
        {
            ApiKey = DeepgramListenEmulator.DefaultApiKey,
            BaseUrl = _emulator.BaseUrl,
            ConnectRetryDelay = TimeSpan.FromMilliseconds(10),
            CloseTimeout = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(options);
        return new DeepgramSpeechRecognizer(Options.Create(options), logger ?? NullLogger<DeepgramSpeechRecognizer>.Instance);
    }
}
