using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Voicebot.Abstractions;
using Voicebot.Abstractions.Speech;
using Voicebot.Providers.OpenAI.Speech;
using Voicebot.Testing;
using Voicebot.Testing.Emulators.OpenAI;

namespace Voicebot.Providers.OpenAI.Tests.Speech;

public sealed class OpenAISpeechSynthesizerTests
{
    private const string ApiKey = "sk-test-SECRET-tts-0123456789";
    private const string Text = "Bonjour, bienvenue au SAV Wouippleul.";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SynthesizeAsync_Text_YieldsTheWholeBodyAsEvenChunksAt24kHz()
    {
        await using var emulator = await StartAsync();
        var synthesizer = Create(emulator);

        var chunks = await CollectAsync(synthesizer.SynthesizeAsync(Text, Ct));

        Assert.True(chunks.Count > 1, $"{chunks.Count} chunk(s)");
        Assert.All(chunks, chunk => Assert.Equal(24000, chunk.SampleRate));
        Assert.All(chunks, chunk => Assert.True(chunk.Pcm.Length > 0 && chunk.Pcm.Length % 2 == 0, $"{chunk.Pcm.Length} bytes"));
        Assert.Equal(OpenAISpeechEmulator.RenderPcm(Text), Concat(chunks));
    }

    [Fact]
    public async Task SynthesizeAsync_OddChunksOnTheWire_StillYieldsWholeSamples()
    {
        await using var emulator = await StartAsync();
        emulator.ChunkBytes = 1201;
        var synthesizer = Create(emulator);

        var chunks = await CollectAsync(synthesizer.SynthesizeAsync(Text, Ct));

        Assert.All(chunks, chunk => Assert.Equal(0, chunk.Pcm.Length % 2));
        Assert.Equal(OpenAISpeechEmulator.RenderPcm(Text), Concat(chunks));
    }

    [Fact]
    public async Task SynthesizeAsync_BodyStillComing_YieldsTheFirstChunkFirst()
    {
        await using var emulator = await StartAsync();
        emulator.HoldAfterChunks = 1;
        var synthesizer = Create(emulator);
        await using var chunks = synthesizer.SynthesizeAsync(Text, Ct).GetAsyncEnumerator(Ct);

        Assert.True(await chunks.MoveNextAsync());
        await emulator.Holding.WaitAsync(Ct);

        Assert.Equal(1, emulator.ChunksSent);
        Assert.Equal(0, emulator.StreamsCompleted);
        Assert.InRange(chunks.Current.Pcm.Length, 2, emulator.ChunkBytes);   // the socket may split the emulator's first chunk

        emulator.ReleaseHeldAudio();
        var total = chunks.Current.Pcm.Length;
        while (await chunks.MoveNextAsync())
        {
            total += chunks.Current.Pcm.Length;
        }

        Assert.Equal(OpenAISpeechEmulator.RenderPcm(Text).Length, total);
        Assert.Equal(1, emulator.StreamsCompleted);
    }

    [Fact]
    public async Task SynthesizeAsync_Request_CarriesTheConfiguredFieldsAndKey()
    {
        await using var emulator = await StartAsync();
        var synthesizer = Create(emulator, o => (o.Model, o.Voice, o.Speed) = ("gpt-4o-mini-tts", "coral", 1.25));

        await CollectAsync(synthesizer.SynthesizeAsync(Text, Ct));

        var request = Assert.Single(emulator.Requests);
        Assert.Equal("/v1/audio/speech", request.Path);
        Assert.Equal(("gpt-4o-mini-tts", Text, "coral", "pcm", 1.25), (request.Model, request.Input, request.Voice, request.ResponseFormat, request.Speed));
        Assert.Equal($"Bearer {ApiKey}", request.Authorization);
    }

    [Fact]
    public void Voice_NamesEngineVoiceRateAndSettings()
    {
        var synthesizer = Create("http://127.0.0.1:9/v1", o => (o.Model, o.Voice, o.Speed) = ("tts-1-hd", "alloy", 1.5));

        Assert.Equal(new SpeechVoice("openai-tts", "alloy", 24000, "model=tts-1-hd;speed=1.5"), synthesizer.Voice);
    }

    [Fact]
    public async Task SynthesizeAsync_TooLong_ThrowsArgumentExceptionAtOnce()
    {
        await using var emulator = await StartAsync();
        var synthesizer = Create(emulator);

        Assert.Throws<ArgumentException>(() => synthesizer.SynthesizeAsync(new string('a', 4097), Ct));

        Assert.Empty(emulator.Requests);
    }

    [Fact]
    public async Task SynthesizeAsync_Blank_YieldsNothingWithoutCalling()
    {
        await using var emulator = await StartAsync();
        var synthesizer = Create(emulator);

        var chunks = await CollectAsync(synthesizer.SynthesizeAsync(" ", Ct));

        Assert.Empty(chunks);
        Assert.Empty(emulator.Requests);
    }

    [Theory]
    [InlineData(401, "invalid_api_key", "Incorrect API key provided", 1)]
    [InlineData(400, "invalid_value", "Invalid voice", 1)]
    [InlineData(429, "rate_limit_exceeded", "Rate limit reached", 2)]
    [InlineData(500, null, "The server had an error while processing your request", 2)]
    public async Task SynthesizeAsync_ErrorStatus_ThrowsHttpStatusRetryingOnlyTransientOnes(int status, string? code, string message, int requests)
    {
        await using var emulator = await StartAsync();
        emulator.Reply = _ => EmulatedSpeech.Error(status, code, message);
        var synthesizer = Create(emulator);

        var ex = await Assert.ThrowsAsync<ProviderUnavailableException>(() => CollectAsync(synthesizer.SynthesizeAsync(Text, Ct)));

        Assert.Equal(("openai-tts", ProviderFailure.HttpStatus), (ex.Provider, ex.Failure));
        Assert.Contains($"HTTP {status}", ex.Message, StringComparison.Ordinal);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Equal(requests, emulator.Requests.Count);
    }

    [Fact]
    public async Task SynthesizeAsync_TransientThenFine_Succeeds()
    {
        await using var emulator = await StartAsync();
        var attempts = 0;
        emulator.Reply = _ => Interlocked.Increment(ref attempts) == 1 ? EmulatedSpeech.Error(503, null, "Overloaded") : EmulatedSpeech.Tone;
        var synthesizer = Create(emulator);

        var chunks = await CollectAsync(synthesizer.SynthesizeAsync(Text, Ct));

        Assert.Equal(OpenAISpeechEmulator.RenderPcm(Text), Concat(chunks));
        Assert.Equal(2, emulator.Requests.Count);
    }

    [Fact]
    public async Task SynthesizeAsync_Hang_ThrowsFirstByteTimeout()
    {
        await using var emulator = await StartAsync();
        emulator.Reply = _ => EmulatedSpeech.Hang();
        var time = new FakeTimeProvider();
        var synthesizer = Create(emulator.BaseUrl, o => (o.FirstByteTimeout, o.MaxRetries) = (TimeSpan.FromMilliseconds(200), 0), time: time);

        // The timeout runs on the synthesizer's clock, moved on once the request is in: a slow machine cannot make the
        // request itself time out before it is sent.
        var synthesis = CollectAsync(synthesizer.SynthesizeAsync(Text, Ct));
        await Waits.UntilAsync(() => emulator.Requests.Count == 1 || synthesis.IsCompleted, Ct);
        time.Advance(TimeSpan.FromMilliseconds(200));
        var ex = await Assert.ThrowsAsync<ProviderUnavailableException>(() => synthesis);

        Assert.Equal(("openai-tts", ProviderFailure.FirstByteTimeout), (ex.Provider, ex.Failure));
        Assert.Single(emulator.Requests);
    }

    [Fact]
    public async Task SynthesizeAsync_DroppedMidStream_YieldsWhatCameThenThrowsClosedWithoutRetrying()
    {
        await using var emulator = await StartAsync();
        emulator.Reply = _ => EmulatedSpeech.DropAfter(2);
        var synthesizer = Create(emulator);
        var received = 0;

        var ex = await Assert.ThrowsAsync<ProviderUnavailableException>(async () =>
        {
            await foreach (var chunk in synthesizer.SynthesizeAsync(Text, Ct))
            {
                received += chunk.Pcm.Length;
            }
        });

        Assert.Equal(("openai-tts", ProviderFailure.Closed), (ex.Provider, ex.Failure));
        Assert.Equal(2 * emulator.ChunkBytes, received);
        Assert.Single(emulator.Requests);
    }

    [Fact]
    public async Task SynthesizeAsync_NothingListening_ThrowsConnectRefused()
    {
        var synthesizer = Create($"http://127.0.0.1:{FreePort()}/v1", o => o.MaxRetries = 0);

        var ex = await Assert.ThrowsAsync<ProviderUnavailableException>(() => CollectAsync(synthesizer.SynthesizeAsync(Text, Ct)));

        Assert.Equal(("openai-tts", ProviderFailure.ConnectRefused), (ex.Provider, ex.Failure));
    }

    [Fact]
    public async Task SynthesizeAsync_NoKey_ThrowsProviderUnavailableWithoutCalling()
    {
        await using var emulator = await StartAsync();
        var logger = new FakeLogger<OpenAISpeechSynthesizer>();
        var synthesizer = new OpenAISpeechSynthesizer(Options.Create(new OpenAITtsOptions { Endpoint = emulator.BaseUrl }), logger);

        var ex = await Assert.ThrowsAsync<ProviderUnavailableException>(() => CollectAsync(synthesizer.SynthesizeAsync(Text, Ct)));

        Assert.Equal("openai-tts", ex.Provider);
        Assert.Empty(emulator.Requests);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Name == "TtsMissingApiKey");
    }

    [Fact]
    public async Task SynthesizeAsync_CallerCancelsMidStream_ThrowsOperationCanceled()
    {
        await using var emulator = await StartAsync();
        emulator.HoldAfterChunks = 1;
        var logger = new FakeLogger<OpenAISpeechSynthesizer>();
        var synthesizer = Create(emulator.BaseUrl, logger: logger);
        using var barge = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var chunk in synthesizer.SynthesizeAsync(Text, barge.Token))
            {
                await barge.CancelAsync();
            }
        });

        Assert.DoesNotContain(logger.Collector.GetSnapshot(), r => r.Id.Name == "TtsUnavailable");
    }

    [Fact]
    public async Task SynthesizeAsync_AnyOutcome_NeverLogsTheKey()
    {
        await using var emulator = await StartAsync();
        var attempts = 0;
        emulator.Reply = _ => Interlocked.Increment(ref attempts) == 1 ? EmulatedSpeech.Tone : EmulatedSpeech.Error(401, "invalid_api_key", "Incorrect API key provided");
        var logger = new FakeLogger<OpenAISpeechSynthesizer>();
        var synthesizer = Create(emulator.BaseUrl, logger: logger);

        await CollectAsync(synthesizer.SynthesizeAsync(Text, Ct));
        await Assert.ThrowsAsync<ProviderUnavailableException>(() => CollectAsync(synthesizer.SynthesizeAsync(Text, Ct)));

        var records = logger.Collector.GetSnapshot();
        Assert.Contains(records, r => r.Level == LogLevel.Trace);
        Assert.All(records, r =>
        {
            Assert.DoesNotContain(ApiKey, r.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(ApiKey, r.Exception?.ToString() ?? string.Empty, StringComparison.Ordinal);
        });
    }

    private static async Task<OpenAISpeechEmulator> StartAsync()
    {
        var emulator = new OpenAISpeechEmulator { FirstByteLatency = TimeSpan.FromMilliseconds(20) };
        await emulator.StartAsync(Ct);
        return emulator;
    }

    private static OpenAISpeechSynthesizer Create(OpenAISpeechEmulator emulator, Action<OpenAITtsOptions>? configure = null) =>
        Create(emulator.BaseUrl, configure);

    private static OpenAISpeechSynthesizer Create(
        string endpoint, Action<OpenAITtsOptions>? configure = null, ILogger<OpenAISpeechSynthesizer>? logger = null, TimeProvider? time = null)
    {
        var options = new OpenAITtsOptions { Endpoint = endpoint, ApiKey = ApiKey, FirstByteTimeout = TimeSpan.FromSeconds(10) };
        configure?.Invoke(options);
        return new OpenAISpeechSynthesizer(Options.Create(options), logger ?? new FakeLogger<OpenAISpeechSynthesizer>(), time);
    }

    private static async Task<List<SynthesizedAudio>> CollectAsync(IAsyncEnumerable<SynthesizedAudio> audio)
    {
        var chunks = new List<SynthesizedAudio>();
        await foreach (var chunk in audio)
        {
            chunks.Add(chunk);
        }

        return chunks;
    }

    private static byte[] Concat(List<SynthesizedAudio> chunks) => [.. chunks.SelectMany(c => c.Pcm.ToArray())];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
