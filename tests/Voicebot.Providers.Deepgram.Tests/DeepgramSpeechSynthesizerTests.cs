using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Voicebot.Abstractions;
using Voicebot.Abstractions.Speech;
using Voicebot.Testing.Emulators.Deepgram;

namespace Voicebot.Providers.Deepgram.Tests;

public sealed class DeepgramSpeechSynthesizerTests : IAsyncLifetime
{
    private const string Text = "Bonjour, vous êtes bien au standard.";

    private readonly DeepgramSpeakEmulator _emulator = new();
    private readonly FakeLogCollector _logs = new();
    private ServiceProvider? _services;

    public ValueTask InitializeAsync() => new(_emulator.StartAsync(TestContext.Current.CancellationToken));

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task SynthesizeAsync_PacedBody_StreamsEvenChunksBeforeTheBodyEnds()
    {
        var ct = TestContext.Current.CancellationToken;
        _emulator.ChunkBytes = 801;   // odd: every other chunk splits a sample
        _emulator.ChunkInterval = TimeSpan.FromMilliseconds(20);
        var synthesizer = CreateSynthesizer();
        var audio = new List<byte>();
        var chunks = 0;
        var completedAtFirstChunk = -1;

        await foreach (var chunk in synthesizer.SynthesizeAsync(Text, ct))
        {
            if (chunks++ == 0)
            {
                completedAtFirstChunk = _emulator.CompletedResponses;
            }

            Assert.Equal(8000, chunk.SampleRate);
            Assert.Equal(0, chunk.Pcm.Length % 2);
            audio.AddRange(chunk.Pcm.ToArray());
        }

        Assert.Equal(0, completedAtFirstChunk);
        Assert.True(chunks > 1);
        Assert.Equal(DeepgramSpeakEmulator.AudioFor(Text), audio);
        var request = Assert.Single(_emulator.Requests);
        Assert.Equal(Text, request.Text);
        Assert.Equal("Token " + DeepgramSpeakEmulator.DefaultApiKey, request.Authorization);
        Assert.Equal(
            new Dictionary<string, string> { ["model"] = "aura-2-agathe-fr", ["encoding"] = "linear16", ["sample_rate"] = "8000", ["container"] = "none" },
            request.Query);
    }

    [Theory]
    [InlineData(500, "Emulated failure.")]
    [InlineData(429, "Too many requests.")]
    public async Task SynthesizeAsync_ErrorStatus_ThrowsHttpStatusWithDeepgramsMessage(int status, string message)
    {
        var ct = TestContext.Current.CancellationToken;
        _emulator.FailWith(status);

        var thrown = await Assert.ThrowsAsync<ProviderUnavailableException>(() => DrainAsync(CreateSynthesizer(), ct));

        Assert.Equal(ProviderFailure.HttpStatus, thrown.Failure);
        Assert.Equal("deepgram-aura", thrown.Provider);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), thrown.Message, StringComparison.Ordinal);
        Assert.Contains(message, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SynthesizeAsync_WrongKey_Throws401()
    {
        var ct = TestContext.Current.CancellationToken;

        var thrown = await Assert.ThrowsAsync<ProviderUnavailableException>(() => DrainAsync(CreateSynthesizer(apiKey: "wrong"), ct));

        Assert.Equal(ProviderFailure.HttpStatus, thrown.Failure);
        Assert.Contains("401", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("INVALID_AUTH", thrown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SynthesizeAsync_NoAudioInTime_ThrowsFirstByteTimeout(bool afterHeaders)
    {
        var ct = TestContext.Current.CancellationToken;
        _emulator.Hang(afterHeaders);

        var thrown = await Assert.ThrowsAsync<ProviderUnavailableException>(() => DrainAsync(CreateSynthesizer(firstByteTimeout: "00:00:00.300"), ct));

        Assert.Equal(ProviderFailure.FirstByteTimeout, thrown.Failure);
    }

    [Fact]
    public async Task SynthesizeAsync_DroppedMidStream_ThrowsClosedAfterSomeAudio()
    {
        var ct = TestContext.Current.CancellationToken;
        _emulator.DropAfterBytes(3201);
        var received = 0;

        var thrown = await Assert.ThrowsAsync<ProviderUnavailableException>(async () =>
        {
            await foreach (var chunk in CreateSynthesizer().SynthesizeAsync(Text, ct))
            {
                received += chunk.Pcm.Length;
            }
        });

        Assert.Equal(ProviderFailure.Closed, thrown.Failure);
        Assert.Equal(3200, received);
    }

    [Fact]
    public async Task SynthesizeAsync_NoApiKey_ThrowsWithoutARequest()
    {
        var ct = TestContext.Current.CancellationToken;

        var thrown = await Assert.ThrowsAsync<ProviderUnavailableException>(() => DrainAsync(CreateSynthesizer(apiKey: ""), ct));

        Assert.Equal("Deepgram:ApiKey is not set.", thrown.Message);
        Assert.Empty(_emulator.Requests);
    }

    [Fact]
    public async Task SynthesizeAsync_BlankText_YieldsNothingWithoutARequest()
    {
        var ct = TestContext.Current.CancellationToken;

        await DrainAsync(CreateSynthesizer(), ct, "  ");

        Assert.Empty(_emulator.Requests);
    }

    [Fact]
    public void Voice_NamesAuraTheModelAnd8kHz()
    {
        var voice = CreateSynthesizer(speakModel: "aura-2-other-fr").Voice;

        Assert.Equal("deepgram-aura", voice.Engine);
        Assert.Equal("aura-2-other-fr", voice.Name);
        Assert.Equal(8000, voice.SampleRate);
    }

    [Fact]
    public async Task SynthesizeAsync_Logs_NeverContainTheApiKey()
    {
        var ct = TestContext.Current.CancellationToken;
        var synthesizer = CreateSynthesizer();
        await DrainAsync(synthesizer, ct);
        _emulator.FailWith(500);
        await Assert.ThrowsAsync<ProviderUnavailableException>(() => DrainAsync(synthesizer, ct));

        var records = _logs.GetSnapshot();

        Assert.Contains(records, record => record.Level == LogLevel.Trace && record.Message.Contains(Text, StringComparison.Ordinal));
        Assert.All(records, record => Assert.DoesNotContain(DeepgramSpeakEmulator.DefaultApiKey, record.Message, StringComparison.Ordinal));
    }

    private static async Task DrainAsync(ISpeechSynthesizer synthesizer, CancellationToken cancellationToken, string text = Text)
    {
        await foreach (var chunk in synthesizer.SynthesizeAsync(text, cancellationToken))
        {
            _ = chunk;
        }
    }

    private DeepgramSpeechSynthesizer CreateSynthesizer(
        string apiKey = DeepgramSpeakEmulator.DefaultApiKey, string firstByteTimeout = "00:00:02", string speakModel = "aura-2-agathe-fr")
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Deepgram:ApiKey"] = apiKey,
                ["Deepgram:SpeakBaseUrl"] = _emulator.BaseUrl.ToString(),
                ["Deepgram:SpeakFirstByteTimeout"] = firstByteTimeout,
                ["Deepgram:SpeakModel"] = speakModel,
            })
            .Build();
        _services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(_logs)))
            .AddDeepgramSpeech(configuration)
            .BuildServiceProvider();
        return _services.GetRequiredService<DeepgramSpeechSynthesizer>();
    }
}
