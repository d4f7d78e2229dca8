using Voicebot.Abstractions.Speech;
using Voicebot.Grains.Speech;
using Voicebot.Testing.Fakes;

namespace Voicebot.Grains.Tests.Speech;

public sealed class CachingSpeechSynthesizerTests
{
    private const string Text = "Votre numéro est le zéro six, douze, trente-quatre.";

    [Fact]
    public async Task SynthesizeAsync_FirstTime_PassesTheInnerChunksThroughInOrder()
    {
        var expected = await new ToneSpeechSynthesizer().CollectAsync(Text);
        var inner = new ToneSpeechSynthesizer();
        var voice = new CachingSpeechSynthesizer(inner, new SpokenTextCache());

        var chunks = await voice.CollectAsync(Text);

        Assert.True(expected.Count > 1);
        Assert.Equal(expected.Count, chunks.Count);
        Assert.Equal(expected.Select(c => c.Pcm.ToArray()), chunks.Select(c => c.Pcm.ToArray()));
        Assert.All(chunks, chunk => Assert.False(chunk.IsWhole));
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task SynthesizeAsync_TextSaidBefore_YieldsOneWholeChunkWithoutTheInnerVoice()
    {
        var inner = new ToneSpeechSynthesizer();
        var cache = new SpokenTextCache();
        var voice = new CachingSpeechSynthesizer(inner, cache);
        var first = await voice.CollectAsync(Text);

        var second = await voice.CollectAsync(Text);

        var whole = Assert.Single(second);
        Assert.True(whole.IsWhole);
        Assert.Equal(first.Concatenated(), whole.Pcm.ToArray());
        Assert.Equal(ToneSpeechSynthesizer.Render(Text, inner.Voice.SampleRate), whole.Pcm.ToArray());
        Assert.Equal(inner.Voice.SampleRate, whole.SampleRate);
        Assert.Equal(1, inner.Calls);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void Voice_IsTheInnerVoice()
    {
        var inner = new ToneSpeechSynthesizer();

        var voice = new CachingSpeechSynthesizer(inner, new SpokenTextCache());

        Assert.Same(inner.Voice, voice.Voice);
    }

    [Fact]
    public async Task SynthesizeAsync_InnerFailsMidWay_IsNotKept()
    {
        var inner = new ScriptedSpeechSynthesizer("cloud", ScriptedSpeechSynthesizer.Chunk(1, 2), ScriptedSpeechSynthesizer.Chunk(3, 4))
        {
            Failure = new SpeechSynthesisException("connection reset"),
            FailAfterChunks = 1,
        };
        var cache = new SpokenTextCache();
        var voice = new CachingSpeechSynthesizer(inner, cache);
        var heard = new List<SynthesizedAudio>();

        await Assert.ThrowsAsync<SpeechSynthesisException>(async () =>
        {
            await foreach (var chunk in voice.SynthesizeAsync(Text, TestContext.Current.CancellationToken))
            {
                heard.Add(chunk);
            }
        });
        inner.Failure = null;
        var retried = await voice.CollectAsync(Text);

        Assert.Single(heard);
        Assert.Equal(2, inner.Calls);
        Assert.Equal(2, retried.Count);
        Assert.All(retried, chunk => Assert.False(chunk.IsWhole));
    }

    [Fact]
    public async Task SynthesizeAsync_ConsumerStopsEarly_IsNotKept()
    {
        var inner = new ToneSpeechSynthesizer();
        var cache = new SpokenTextCache();
        var voice = new CachingSpeechSynthesizer(inner, cache);

        await foreach (var chunk in voice.SynthesizeAsync(Text, TestContext.Current.CancellationToken))
        {
            break;
        }

        Assert.Equal(0, cache.Count);
        var again = await voice.CollectAsync(Text);
        Assert.Equal(2, inner.Calls);
        Assert.True(again.Count > 1);
    }

    [Fact]
    public async Task SynthesizeAsync_TokenCancelledMidWay_IsNotKept()
    {
        var inner = new ToneSpeechSynthesizer();
        var cache = new SpokenTextCache();
        var voice = new CachingSpeechSynthesizer(inner, cache);
        using var cancellation = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var chunk in voice.SynthesizeAsync(Text, cancellation.Token))
            {
                await cancellation.CancelAsync();
            }
        });

        Assert.Equal(0, cache.Count);
        Assert.False(cache.TryGet(inner.Voice, Text, out _));
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task SynthesizeAsync_InnerSaysNothing_IsNotKept()
    {
        var inner = new ScriptedSpeechSynthesizer("silent");
        var cache = new SpokenTextCache();
        var voice = new CachingSpeechSynthesizer(inner, cache);

        var first = await voice.CollectAsync(Text);
        var second = await voice.CollectAsync(Text);

        Assert.Empty(first);
        Assert.Empty(second);
        Assert.Equal(0, cache.Count);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task SynthesizeAsync_RateChangesMidStream_PassesThroughButIsNotKept()
    {
        var inner = new ScriptedSpeechSynthesizer("unsteady", new SynthesizedAudio(new byte[] { 1, 2 }, 16000), new SynthesizedAudio(new byte[] { 3, 4 }, 24000));
        var cache = new SpokenTextCache();
        var voice = new CachingSpeechSynthesizer(inner, cache);

        var chunks = await voice.CollectAsync(Text);

        Assert.Equal([16000, 24000], chunks.Select(c => c.SampleRate));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task SynthesizeAsync_TwoVoicesSameText_AreKeptApart()
    {
        var cache = new SpokenTextCache();
        var narrow = new ToneSpeechSynthesizer(sampleRate: 16000);
        var wide = new ToneSpeechSynthesizer(sampleRate: 22050);
        var narrowVoice = new CachingSpeechSynthesizer(narrow, cache);
        var wideVoice = new CachingSpeechSynthesizer(wide, cache);
        await narrowVoice.CollectAsync(Text);
        await wideVoice.CollectAsync(Text);

        var fromNarrow = Assert.Single(await narrowVoice.CollectAsync(Text));
        var fromWide = Assert.Single(await wideVoice.CollectAsync(Text));

        Assert.Equal(2, cache.Count);
        Assert.Equal(1, narrow.Calls);
        Assert.Equal(1, wide.Calls);
        Assert.Equal(16000, fromNarrow.SampleRate);
        Assert.Equal(22050, fromWide.SampleRate);
        Assert.Equal(ToneSpeechSynthesizer.Render(Text, 16000), fromNarrow.Pcm.ToArray());
        Assert.Equal(ToneSpeechSynthesizer.Render(Text, 22050), fromWide.Pcm.ToArray());
    }
}
