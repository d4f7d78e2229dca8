using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Speech;
using Voicebot.Conversation.Flows;
using Voicebot.Conversation.Phrases;
using Voicebot.Grains.Audio;
using Voicebot.Grains.Conversation;
using Voicebot.Grains.Phrases;
using Voicebot.Testing.Fakes;
using Voicebot.Testing.Paths;

namespace Voicebot.Grains.Tests.Phrases;

public sealed class PhraseStoreTests : IDisposable
{
    private readonly string _directory = RepositoryPaths.NewTemporaryDirectory("phrase-store");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task GetAsync_MissingPhrase_RendersItOnceToDiskAndMemory()
    {
        var synthesizer = new ToneSpeechSynthesizer();
        var store = CreateStore(synthesizer);

        var first = await store.GetAsync("welcome", 8000);
        var second = await store.GetAsync("welcome", 8000);

        Assert.Same(first, second);
        Assert.Equal(1, synthesizer.Calls);
        Assert.True(File.Exists(store.CachePath("welcome", first.Text, 8000)));
        Assert.Equal(8000, first.SampleRate);
        Assert.Equal(0, first.Pcm.Length % 2);
    }

    [Fact]
    public async Task GetAsync_NewProcess_LoadsFromDiskWithoutSynthesizing()
    {
        var original = await CreateStore(new ToneSpeechSynthesizer()).GetAsync("ask_phone", 8000);
        var synthesizer = new ToneSpeechSynthesizer();

        var reloaded = await CreateStore(synthesizer).GetAsync("ask_phone", 8000);

        Assert.Equal(0, synthesizer.Calls);
        Assert.Equal(original.Pcm, reloaded.Pcm);
    }

    [Fact]
    public async Task CachePath_EditedTextOrOtherVoiceOrRate_IsAnotherFile()
    {
        var store = CreateStore(new ToneSpeechSynthesizer());
        var other = CreateStore(new ToneSpeechSynthesizer(sampleRate: 16000));

        var path = store.CachePath("welcome", "Bonjour.", 8000);

        Assert.NotEqual(path, store.CachePath("welcome", "Bonjour !", 8000));
        Assert.NotEqual(path, store.CachePath("welcome", "Bonjour.", 16000));
        Assert.NotEqual(path, other.CachePath("welcome", "Bonjour.", 8000));
        Assert.Equal(path, CreateStore(new ToneSpeechSynthesizer()).CachePath("welcome", "Bonjour.", 8000));
    }

    [Fact]
    public async Task GetAsync_CorruptFileOnDisk_IsRenderedAgain()
    {
        var store = CreateStore(new ToneSpeechSynthesizer());
        var good = await store.GetAsync("goodbye_resolved", 8000);
        var path = store.CachePath("goodbye_resolved", good.Text, 8000);
        await File.WriteAllBytesAsync(path, [1, 2, 3], TestContext.Current.CancellationToken);
        var synthesizer = new ToneSpeechSynthesizer();

        var repaired = await CreateStore(synthesizer).GetAsync("goodbye_resolved", 8000);

        Assert.Equal(1, synthesizer.Calls);
        Assert.Equal(good.Pcm, repaired.Pcm);
    }

    [Fact]
    public async Task WarmUpAsync_EveryPhrase_IsReadyAndCounted()
    {
        var synthesizer = new ToneSpeechSynthesizer();
        var store = CreateStore(synthesizer);

        var rendered = await store.WarmUpAsync(TestContext.Current.CancellationToken);
        var again = await CreateStore(new ToneSpeechSynthesizer()).WarmUpAsync(TestContext.Current.CancellationToken);

        Assert.True(store.IsWarm);
        Assert.Equal(store.Keys.Count, rendered);
        Assert.Equal(0, again);
    }

    [Fact]
    public async Task GetAsync_Rendered_StartsWithSoundNotSilence()
    {
        var store = CreateStore(new SilencePaddedSynthesizer());

        var phrase = await store.GetAsync("welcome", 8000);

        Assert.NotEqual(0, BitConverter.ToInt16(phrase.Pcm, 2) | BitConverter.ToInt16(phrase.Pcm, 4));
        var toneBytes = ToneSpeechSynthesizer.Render(phrase.Text, 8000).Length;
        Assert.InRange(phrase.Pcm.Length, toneBytes - 200, toneBytes + 1200);   // the second of silence is gone; a 60 ms tail is kept
    }

    [Fact]
    public async Task GetAsync_UnknownKey_Throws()
    {
        var store = CreateStore(new ToneSpeechSynthesizer());

        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.GetAsync("no_such_phrase", 8000));
    }

    [Fact]
    public async Task GetAsync_CloudVoiceDown_RendersWithTheFallbackAndStopsAskingTheCloud()
    {
        var cloud = new FailingSynthesizer();
        var espeak = new ToneSpeechSynthesizer();
        var store = CreateStore(cloud, new PhraseFallbackVoice(espeak));

        var welcome = await store.GetAsync("welcome", 8000);
        var goodbye = await store.GetAsync("goodbye_resolved", 8000);

        var toneBytes = ToneSpeechSynthesizer.Render(welcome.Text, 8000).Length;
        Assert.InRange(welcome.Pcm.Length, toneBytes - 200, toneBytes + 1200);
        Assert.NotEmpty(goodbye.Pcm);
        Assert.Equal(1, cloud.Calls);
        Assert.Equal(2, espeak.Calls);
        Assert.False(File.Exists(store.CachePath("welcome", welcome.Text, 8000)), "nothing is cached under the cloud voice's name");
    }

    private PhraseStore CreateStore(ISpeechSynthesizer synthesizer, PhraseFallbackVoice? fallback = null)
    {
        var phrases = PhraseCatalog.Load(Path.Combine(RepositoryPaths.Assets, "phrases"), "fr");
        var flow = FlowLoader.Load(Path.Combine(RepositoryPaths.Assets, "flows"), "sav", phrases);
        return new PhraseStore(
            new ConversationAssets(flow, phrases),
            synthesizer,
            new LocalChunkResampler(),
            Options.Create(new PhraseCacheOptions { Directory = _directory }),
            new ContentPaths(_directory),
            NullLogger<PhraseStore>.Instance,
            fallback);
    }

    private sealed class FailingSynthesizer : ISpeechSynthesizer
    {
        private int _calls;

        public int Calls => _calls;

        public SpeechVoice Voice { get; } = new("cloud", "nova", 24000, "v1");

        public async IAsyncEnumerable<SynthesizedAudio> SynthesizeAsync(string text, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            await Task.Yield();
            throw new Abstractions.ProviderUnavailableException("cloud", Abstractions.ProviderFailure.HttpStatus, "HTTP 500");
#pragma warning disable CS0162 // an iterator needs a yield
            yield break;
#pragma warning restore CS0162
        }
    }

    /// <summary>A second of digital silence, then a tone: the shape of a synthesizer's output.</summary>
    private sealed class SilencePaddedSynthesizer : ISpeechSynthesizer
    {
        public SpeechVoice Voice { get; } = new("padded", "test", 22050, "v1");

        public async IAsyncEnumerable<SynthesizedAudio> SynthesizeAsync(string text, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            yield return new SynthesizedAudio(new byte[22050 * 2], 22050);
            yield return new SynthesizedAudio(ToneSpeechSynthesizer.Render(text, 22050), 22050);
        }
    }
}
